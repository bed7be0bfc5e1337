/**
 * The common stack shape checked by hand. zod walks a stack through ~40
 * schema objects (unions, defaults, records, each with its own context and
 * issue list); on 10,000 stacks that was a quarter of `list --order`. This
 * accepts only a subset of what `stackSchema` accepts and returns exactly
 * what normalizing zod's output would return for it; anything else (secrets,
 * hooks, retries, drift, mocks, a wrong type, an unknown key) returns
 * undefined and goes through zod, which then also writes the messages.
 */
import type { StackSpec } from '../model.js';
import { DURATION_PATTERN, parseDuration } from './duration.js';
import { DEFAULT_RETRIES, EMPTY_LIST, EMPTY_RECORD, normalizeDependencies, normalizeEnv } from './normalize.js';
import type { RawStack } from './schema.js';
import { POOL_NAME_PATTERN, RUNNER_KINDS } from './schema-parts.js';

type RawDependency = RawStack['dependsOn'][number];
type RawCommands = RawStack['commands'];

/** `normalizeStack(stackSchema.parse(entry), name)` for the common shape, or undefined: ask zod. */
export function parseStackFast(entry: unknown, name: string): StackSpec | undefined {
  if (!isPlainRecord(entry)) return undefined;
  let path: string | undefined;
  let repo: string | undefined;
  let runner: RawStack['runner'] = 'terraform';
  let labels: string[] | undefined;
  let contexts: string[] | undefined;
  let vars: Record<string, unknown> | undefined;
  let env: RawStack['env'] | undefined;
  let files: Record<string, string> | undefined;
  let watch: string[] | undefined;
  let dependsOn: RawDependency[] | undefined;
  let after: string[] | undefined;
  let commands: RawCommands | undefined;
  let timeout: string | undefined;
  let pool: string | undefined;
  // Index loops here: for...of allocates per step before the optimizer runs, and this runs for every stack.
  const keys = Object.keys(entry);
  for (let index = 0; index < keys.length; index += 1) {
    const key = keys[index]!;
    const value = entry[key];
    switch (key) {
      case 'path':
        if (typeof value !== 'string') return undefined;
        path = value;
        break;
      case 'repo':
        if (typeof value !== 'string') return undefined;
        repo = value;
        break;
      case 'runner':
        if (!isRunnerKind(value)) return undefined;
        runner = value;
        break;
      case 'labels':
        if ((labels = checkStrings(value)) === undefined) return undefined;
        break;
      case 'contexts':
        if ((contexts = checkStrings(value)) === undefined) return undefined;
        break;
      case 'watch':
        if ((watch = checkStrings(value)) === undefined) return undefined;
        break;
      case 'after':
        if ((after = checkStrings(value)) === undefined) return undefined;
        break;
      case 'vars':
        if ((vars = checkRecord(value)) === undefined) return undefined;
        break;
      case 'env':
        if ((env = checkRecord(value, isEnvValue)) === undefined) return undefined;
        break;
      case 'files':
        if ((files = checkRecord(value, isString)) === undefined) return undefined;
        break;
      case 'dependsOn':
        if ((dependsOn = checkDependencies(value)) === undefined) return undefined;
        break;
      case 'commands':
        if ((commands = copyCommands(value)) === undefined) return undefined;
        break;
      case 'timeout':
        if (typeof value !== 'string' || !DURATION_PATTERN.test(value)) return undefined;
        timeout = value;
        break;
      case 'pool':
        if (typeof value !== 'string' || !POOL_NAME_PATTERN.test(value)) return undefined;
        pool = value;
        break;
      default:
        return undefined;
    }
  }
  if (path === undefined) return undefined;
  // normalizeStack's object, built here directly (not zod's output first,
  // then normalized: a second object of 16 keys per stack). The same keys in
  // the same order, so both paths give objects of one shape.
  const stack: StackSpec = {
    name,
    path,
    runner,
    labels: labels ?? EMPTY_LIST,
    contexts: contexts ?? EMPTY_LIST,
    vars: vars ?? EMPTY_RECORD,
    env: env === undefined ? EMPTY_RECORD : normalizeEnv(env),
    secrets: EMPTY_RECORD,
    files: files ?? EMPTY_RECORD,
    hooks: EMPTY_RECORD,
    watch: watch ?? EMPTY_LIST,
    dependsOn: dependsOn === undefined ? EMPTY_LIST : normalizeDependencies(dependsOn),
    after: after ?? EMPTY_LIST,
    // zod's default is a fresh object per stack.
    commands: commands ?? {},
    retries: DEFAULT_RETRIES,
  };
  if (repo !== undefined) stack.repo = repo;
  const timeoutMs = timeout === undefined ? undefined : parseDuration(timeout);
  if (timeoutMs !== undefined) stack.timeoutMs = timeoutMs;
  if (pool !== undefined) stack.pool = pool;
  return stack;
}

/**
 * Only objects straight from a YAML map (zod also takes other prototypes and
 * null-prototype objects; those go to zod).
 */
function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype;
}

function isRunnerKind(value: unknown): value is RawStack['runner'] {
  return (RUNNER_KINDS as readonly unknown[]).includes(value);
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

// z.number() refuses NaN and the infinities (YAML's .nan and .inf).
function isEnvValue(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

// The lists and maps of the parsed data are used as they are, not copied as
// zod copies them: a manifest is read-only (model.ts), and 20,000 copies on
// a large fleet were work for the garbage collector.
function checkStrings(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const items: unknown[] = value;
  for (let index = 0; index < items.length; index += 1) if (typeof items[index] !== 'string') return undefined;
  return items as string[];
}

/** A map whose values all pass `isValue` (without it, any value: `vars`). */
function checkRecord<T = unknown>(value: unknown, isValue?: (item: unknown) => item is T): Record<string, T> | undefined {
  if (!isPlainRecord(value)) return undefined;
  const keys = Object.keys(value);
  for (let index = 0; index < keys.length; index += 1) {
    const key = keys[index]!;
    // zod's record drops a `__proto__` key; leave that oddity to zod.
    if (key === '__proto__' || (isValue !== undefined && !isValue(value[key]))) return undefined;
  }
  return value as Record<string, T>;
}

function checkDependencies(value: unknown): RawDependency[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const items: unknown[] = value;
  // Names only (the usual form): the list as it is. A loop, not every(isString): a call per name.
  let names = true;
  for (let index = 0; index < items.length && names; index += 1) names = typeof items[index] === 'string';
  if (names) return items as string[];
  const dependencies: RawDependency[] = [];
  for (const item of items) {
    if (typeof item === 'string') {
      dependencies.push(item);
      continue;
    }
    // `{ stack, outputs }`; with `mock` or anything else, zod decides.
    if (!isPlainRecord(item)) return undefined;
    let stack: string | undefined;
    let outputs: Record<string, string> | undefined;
    for (const key of Object.keys(item)) {
      if (key === 'stack' && typeof item[key] === 'string') stack = item[key];
      else if (key === 'outputs' && (outputs = checkRecord(item[key], isString)) !== undefined) continue;
      else return undefined;
    }
    if (stack === undefined) return undefined;
    dependencies.push({ stack, outputs: outputs ?? {} });
  }
  return dependencies;
}

// zod writes a strict object's keys in the schema's order, whatever the file's.
const COMMAND_KEYS = ['plan', 'apply', 'destroy'] as const;

/**
 * The commands map, as zod would return it: the parsed map itself when its
 * keys are already in the schema's order (the usual `{ apply: ... }`), else
 * a copy in that order. Undefined for any other key (a typo zod reports) or
 * a value that is not a string.
 */
function copyCommands(value: unknown): RawCommands | undefined {
  if (!isPlainRecord(value)) return undefined;
  let next = 0;
  let ordered = true;
  const keys = Object.keys(value);
  for (let index = 0; index < keys.length; index += 1) {
    const key = keys[index]!;
    const phase = COMMAND_KEYS.indexOf(key as (typeof COMMAND_KEYS)[number]);
    if (phase === -1 || typeof value[key] !== 'string') return undefined;
    if (phase < next) ordered = false;
    next = phase + 1;
  }
  if (ordered) return value;
  const commands: RawCommands = {};
  for (const key of COMMAND_KEYS) if (Object.hasOwn(value, key)) commands[key] = value[key] as string;
  return commands;
}
