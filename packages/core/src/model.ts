/**
 * The normalized manifest: what `parseManifest` returns after schema checks,
 * shorthand expansion, defaults and rules. Every other package works on these
 * types, never on raw YAML.
 */
import type { SourceLocation } from './errors.js';

export type RunnerKind = 'terraform' | 'tofu' | 'command';
export type Phase = 'plan' | 'apply' | 'destroy';
export type HookName =
  | 'beforeInit'
  | 'beforePlan'
  | 'afterPlan'
  | 'beforeApply'
  | 'afterApply'
  | 'beforeDestroy'
  | 'afterDestroy'
  | 'afterRun';

export interface RepoSpec {
  name: string;
  /** A local path (relative to the manifest's directory) or a git URL. */
  url: string;
  /** Branch, tag or sha; only for git URLs. */
  ref?: string;
}

export type SecretSource =
  | { fromEnv: string }
  | { fromFile: string }
  | { fromCommand: string };

export type Hooks = Partial<Record<HookName, string[]>>;

export interface DriftSettings {
  /** Apply drifted stacks automatically during `drift --remediate`. @default false */
  remediate?: boolean;
  /** Remediation is refused when the plan deletes more than this. @default 0 */
  maxDeletes?: number;
  /** Cron expression used by `drift --due`. */
  schedule?: string;
}

export interface ContextSpec {
  name: string;
  /** Auto-attach: labels this context attaches to (`*` = every stack). */
  attachTo?: { labels: string[] };
  /** Lower number wins over higher among auto-attached contexts. @default 100 */
  priority: number;
  env: Record<string, string>;
  vars: Record<string, unknown>;
  secrets: Record<string, SecretSource>;
  files: Record<string, string>;
  hooks: Hooks;
  drift?: DriftSettings;
}

export interface DependencySpec {
  stack: string;
  /** Upstream output name -> environment variable name in this stack. */
  outputs: Record<string, string>;
  /** Values used for plans while the upstream has never been applied. */
  mock?: Record<string, unknown>;
}

export interface RetrySpec {
  /** Total attempts including the first. @default 1 */
  attempts: number;
  /** Substrings (or /regex/) of output lines that make a failure retryable. */
  on: string[];
  /** Delay before the first retry, doubled each time. @default 1000 */
  backoffMs: number;
}

export interface StackSpec {
  name: string;
  /** Name of an entry in `repos`; undefined = beside the manifest. */
  repo?: string;
  /** Directory of the stack, relative to its repository root. */
  path: string;
  runner: RunnerKind;
  labels: string[];
  /** Contexts listed explicitly on the stack, in order. */
  contexts: string[];
  vars: Record<string, unknown>;
  env: Record<string, string>;
  secrets: Record<string, SecretSource>;
  files: Record<string, string>;
  hooks: Hooks;
  watch: string[];
  dependsOn: DependencySpec[];
  /** Ordering-only edges: run after these stacks when both are in a run. */
  after: string[];
  /** For `runner: command`. */
  commands: Partial<Record<Phase, string>>;
  timeoutMs?: number;
  retries: RetrySpec;
  drift?: DriftSettings;
  /** Worker pool for distributed runs; undefined = "default". */
  pool?: string;
}

export interface Settings {
  concurrency?: number;
  /** Relative to the manifest's directory. @default ".stackfleet" */
  stateDir: string;
  /** label -> maximum number of running stacks carrying it. */
  limits: Record<string, number>;
  /** A shared store's URL as written (may hold `${{ env.X }}`); undefined = embedded SQLite. */
  stateUrl?: string;
  /** The fleet's name in a shared store; undefined = derived from the repository. */
  fleet?: string;
  /** Always set by the manifest parser; optional for hand-built manifests. */
  retention?: RetentionSettings;
}

/** What `stackfleet gc` keeps under the state directory. */
export interface RetentionSettings {
  /** Older run logs, plan files and checkouts go. @default 7 days */
  ageMs: number;
  /** Logs of at most this many finished runs stay. @default 200 */
  runs: number;
}

/** `policies[]` in the manifest: a policy file and the stacks it applies to. */
export interface PolicyRef {
  /** Relative to the manifest's directory. */
  file: string;
  /** Stack-name globs; absent = every stack. */
  stacks?: string[];
  /** Any of these labels; absent = every stack. */
  labels?: string[];
  runners?: RunnerKind[];
}

/**
 * A loaded manifest is read-only: its empty lists and maps may be one shared,
 * frozen object (10,000 stacks hold ~100,000 of them), so a change throws.
 * Copy what you need to change.
 */
export interface Manifest {
  version: 1;
  /** Path of the manifest file as given (used in messages). */
  source: string;
  repos: Record<string, RepoSpec>;
  settings: Settings;
  variables: Record<string, unknown>;
  contexts: Record<string, ContextSpec>;
  stacks: Record<string, StackSpec>;
  policies: PolicyRef[];
  /** `teams: { NAME: [login...] }`: `input.run.actor.teams` and `approvers: ["team:NAME"]`. */
  teams: Record<string, string[]>;
}

/** Finds where a key path (e.g. `stacks.app.vars.subnet`) is in the source. */
export type Locator = (keyPath: string) => SourceLocation | undefined;

export interface LoadedManifest {
  manifest: Manifest;
  locate: Locator;
}

/** One output value as produced by a runner and kept in the store. */
export interface OutputValue {
  value: unknown;
  sensitive: boolean;
}

export type Outputs = Record<string, OutputValue>;

/** Resource change counts from a plan. */
export interface ChangeSummary {
  create: number;
  update: number;
  delete: number;
  replace: number;
  /** Resource addresses per action, when the runner knows them. */
  resources?: { address: string; action: 'create' | 'update' | 'delete' | 'replace' }[];
}
