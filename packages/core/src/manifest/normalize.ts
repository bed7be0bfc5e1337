/** Raw schema output -> the `Manifest` every other package works on. */
import type {
  ContextSpec,
  DependencySpec,
  DriftSettings,
  HookName,
  Hooks,
  Manifest,
  PolicyRef,
  RepoSpec,
  RetrySpec,
  SecretSource,
  StackSpec,
} from '../model.js';
import { isEmptyContainer } from '../interpolation/collect-references.js';
import { setOwnEntry } from '../set-own-entry.js';
import { parseDuration } from './duration.js';
import { EMPTY_LIST, EMPTY_RECORD } from './empty.js';

export { EMPTY_LIST, EMPTY_RECORD };
import type { RawContext, RawManifest, RawStack } from './schema.js';

type RawHooks = RawStack['hooks'];
type RawDrift = NonNullable<RawStack['drift']>;

// Why a fallback at all: the schema guarantees a valid duration, this only
// keeps the types honest.
const DEFAULT_BACKOFF_MS = 1000;
// `retries.backoff` defaults to 1s: parsed once, not once per stack (10,000 regex walks on a large fleet).
const DEFAULT_BACKOFF = '1s';
const DEFAULT_BACKOFF_PARSED_MS = parseDuration(DEFAULT_BACKOFF) ?? DEFAULT_BACKOFF_MS;
// The order of `commands`' keys, as the schema lists them.
const COMMAND_PHASES = ['plan', 'apply', 'destroy'] as const;
// No `retries`: one attempt, never retried.
export const DEFAULT_RETRIES: RetrySpec = Object.freeze({ attempts: 1, on: EMPTY_LIST, backoffMs: DEFAULT_BACKOFF_PARSED_MS });

export function normalizeManifest(raw: RawManifest, source: string): Manifest {
  return {
    version: 1,
    source,
    repos: mapValues(raw.repos, (repo, name): RepoSpec => ({
      name,
      url: repo.url,
      ...(repo.ref === undefined ? {} : { ref: repo.ref }),
    })),
    settings: {
      ...(raw.settings.concurrency === undefined ? {} : { concurrency: raw.settings.concurrency }),
      stateDir: raw.settings.stateDir,
      limits: raw.settings.limits,
      ...(raw.settings.state?.url === undefined ? {} : { stateUrl: raw.settings.state.url }),
      ...(raw.settings.fleet === undefined ? {} : { fleet: raw.settings.fleet }),
      retention: { ageMs: parseDuration(raw.settings.retention.age) ?? 0, runs: raw.settings.retention.runs },
    },
    variables: raw.variables,
    contexts: mapValues(raw.contexts, normalizeContext),
    stacks: mapValues(raw.stacks, normalizeStack),
    policies: raw.policies.map(
      (policy): PolicyRef => ({
        file: policy.file,
        ...(policy.stacks === undefined ? {} : { stacks: typeof policy.stacks === 'string' ? [policy.stacks] : policy.stacks }),
        ...(policy.labels === undefined ? {} : { labels: policy.labels }),
        ...(policy.runners === undefined ? {} : { runners: policy.runners }),
      }),
    ),
    teams: raw.teams,
  };
}

function normalizeContext(raw: RawContext, name: string): ContextSpec {
  return {
    name,
    ...(raw.attachTo === undefined ? {} : { attachTo: { labels: raw.attachTo.labels } }),
    priority: raw.priority,
    env: normalizeEnv(raw.env),
    vars: raw.vars,
    secrets: raw.secrets as Record<string, SecretSource>,
    files: raw.files,
    hooks: normalizeHooks(raw.hooks),
    ...(raw.drift === undefined ? {} : { drift: normalizeDrift(raw.drift) }),
  };
}

// One literal for every stack, the optional keys added after it: an object
// built key by key went through a shape per key, 10,000 times, and
// `...(x === undefined ? {} : { x })` spreads were a temporary object each.
export function normalizeStack(raw: RawStack, name: string): StackSpec {
  const stack: StackSpec = {
    name,
    path: raw.path,
    runner: raw.runner,
    labels: raw.labels,
    contexts: raw.contexts,
    vars: raw.vars,
    env: normalizeEnv(raw.env),
    // The schema's refinement guarantees exactly one source key.
    secrets: raw.secrets as Record<string, SecretSource>,
    files: raw.files,
    hooks: normalizeHooks(raw.hooks),
    watch: raw.watch,
    dependsOn: normalizeDependencies(raw.dependsOn),
    after: raw.after,
    commands: normalizeCommands(raw.commands),
    retries:
      raw.retries === undefined
        ? DEFAULT_RETRIES
        : { attempts: raw.retries.attempts, on: raw.retries.on, backoffMs: parseBackoff(raw.retries.backoff) },
  };
  if (raw.repo !== undefined) stack.repo = raw.repo;
  const timeoutMs = raw.timeout === undefined ? undefined : parseDuration(raw.timeout);
  if (timeoutMs !== undefined) stack.timeoutMs = timeoutMs;
  if (raw.drift !== undefined) stack.drift = normalizeDrift(raw.drift);
  if (raw.pool !== undefined) stack.pool = raw.pool;
  return stack;
}

/** `- network` is shorthand for `- { stack: network }`. */
export function normalizeDependencies(dependencies: RawStack['dependsOn']): DependencySpec[] {
  // At its final size: a list grown by push reserves 17 slots, and 10,000
  // such lists on a large fleet were 1.5 MB the young-generation collector copied.
  const normalized = new Array<DependencySpec>(dependencies.length);
  for (let index = 0; index < dependencies.length; index += 1) {
    const dependency = dependencies[index]!;
    if (typeof dependency === 'string') {
      normalized[index] = { stack: dependency, outputs: EMPTY_RECORD };
      continue;
    }
    const spec: DependencySpec = { stack: dependency.stack, outputs: dependency.outputs };
    if (dependency.mock !== undefined) spec.mock = dependency.mock;
    normalized[index] = spec;
  }
  return normalized;
}

function normalizeCommands(commands: RawStack['commands']): StackSpec['commands'] {
  // The schema writes its keys in phase order: kept as is unless one is undefined.
  let complete = true;
  for (const phase of COMMAND_PHASES) if (Object.hasOwn(commands, phase) && commands[phase] === undefined) complete = false;
  if (complete) return commands;
  const normalized: StackSpec['commands'] = {};
  for (const phase of COMMAND_PHASES) {
    const command = commands[phase];
    if (command !== undefined) normalized[phase] = command;
  }
  return normalized;
}

function parseBackoff(text: string | undefined): number {
  if (text === undefined || text === DEFAULT_BACKOFF) return DEFAULT_BACKOFF_PARSED_MS;
  return parseDuration(text) ?? DEFAULT_BACKOFF_MS;
}

/** `PORT: 8080` is a number in YAML but an environment variable is always a string. */
export function normalizeEnv(env: Record<string, string | number | boolean>): Record<string, string> {
  return isEmptyContainer(env) ? EMPTY_RECORD : mapValues(env, String);
}

/** `afterApply: ./notify.sh` is shorthand for a one-command list. */
function normalizeHooks(hooks: RawHooks): Hooks {
  if (isEmptyContainer(hooks)) return EMPTY_RECORD;
  const normalized: Hooks = {};
  for (const name in hooks) {
    const commands = hooks[name as HookName];
    if (commands === undefined) continue;
    normalized[name as HookName] = typeof commands === 'string' ? [commands] : commands;
  }
  return normalized;
}

function normalizeDrift(drift: RawDrift): DriftSettings {
  return {
    ...(drift.remediate === undefined ? {} : { remediate: drift.remediate }),
    ...(drift.maxDeletes === undefined ? {} : { maxDeletes: drift.maxDeletes }),
    ...(drift.schedule === undefined ? {} : { schedule: drift.schedule }),
  };
}

// A plain loop, not Object.fromEntries(Object.entries(...).map(...)): this
// runs for every stack's env and the 10,000-stack fleet felt the arrays.
function mapValues<T, U>(record: Record<string, T>, map: (value: T, key: string) => U): Record<string, U> {
  const mapped: Record<string, U> = {};
  for (const key of Object.keys(record)) {
    const value = map(record[key]!, key);
    // An env variable may be called `__proto__`.
    setOwnEntry(mapped, key, value);
  }
  return mapped;
}
