import type { RunCommand } from '../events.js';
import type { Hooks, RetrySpec, RunnerKind, SecretSource, Phase } from '../model.js';

/**
 * Everything the runner needs to execute one stack in one run, with all
 * manifest layering (variables < auto contexts < listed contexts < stack)
 * already applied. Built by the pure `resolveStack` in core; upstream outputs
 * are filled in at execution time (see `OutputBinding`).
 */
export interface ResolvedStack {
  name: string;
  runner: RunnerKind;
  /** Absolute directory the stack runs in. */
  dir: string;
  labels: string[];
  /** Plain environment for the stack's processes (TF_VAR_* included for terraform/tofu). */
  env: Record<string, string>;
  /** Environment variable name -> where the secret comes from; resolved by IO code before the run. */
  secrets: Record<string, SecretSource>;
  /** Relative path inside `dir` -> content; written for the run, removed after. */
  files: Record<string, string>;
  hooks: Hooks;
  /**
   * Values of the `${{ ... }}` expressions in `hooks`, which refer to them as
   * `"${STACKFLEET_HOOK_VALUE_n}"`: data never becomes part of a command line.
   */
  hookEnv?: Record<string, string>;
  commands: Partial<Record<Phase, string>>;
  timeoutMs?: number;
  retries: RetrySpec;
  /** Which layer each env/var/file key came from, e.g. `{ "env.AWS_REGION": "context aws-prod" }`. */
  provenance: Record<string, string>;
}

/** A value in the plan that depends on an upstream stack's outputs. */
export interface OutputBinding {
  upstream: string;
  output: string;
  /** Where it lands: an env var name, or a template inside env/vars/files/hooks. */
  target: string;
  /** Mock for plans while the upstream has never been applied. */
  mock?: unknown;
}

export interface PlannedStack {
  name: string;
  /** Direct upstream stacks (all edge kinds) that are part of this run. */
  needs: string[];
  /** Why the stack is in the run: `selected`, `dependent of network`, `affected: ...`. */
  reason: string;
  /** True when the stack is only in the run because an upstream is. */
  onlyAsDependent: boolean;
}

/** The value `stackfleet plan --json` prints and `apply` executes. */
export interface RunPlan {
  command: RunCommand;
  /** Stacks in deterministic run order (topological, ties by name). */
  stacks: PlannedStack[];
  concurrency: number;
  limits: Record<string, number>;
  failFast: boolean;
}
