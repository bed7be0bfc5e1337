import { isStackfleetError } from '../errors.js';
import type { Manifest } from '../model.js';
import { formatEnvValue } from '../resolve/resolve-stack.js';
import { isDeepEqual } from './deep-equal.js';
import { envInputKey, resolveStackInputs, type StackInputs } from './stack-inputs.js';

/** One input of a stack that differs between two manifest versions. */
export interface InputDifference {
  label: string;
  /** Absent: the input did not exist on that side. */
  before?: unknown;
  after?: unknown;
  /** For a variable: its name and how it reaches the stack (`TF_VAR_environment`). */
  variable?: string;
  via?: string;
  /** Set when the inputs could not be resolved on one side (the stack then counts as changed). */
  error?: string;
}

/** What differs between the stacks of two manifest versions, decided on resolved inputs. */
export interface ManifestInputChanges {
  /** Stacks only in the current manifest, sorted. */
  added: string[];
  /** Stacks only in the previous manifest, sorted. */
  deleted: string[];
  /** Stacks in both whose inputs differ -> the differences, in `--why` order. */
  changed: Map<string, InputDifference[]>;
}

/**
 * Resolves every stack's inputs (`resolveStackInputs`) in both manifests and
 * compares them. When `variables`, `contexts` and `repos` are equal, only
 * stacks whose own definition differs can have different inputs, so only
 * those are resolved.
 */
export function compareManifestInputs(previous: Manifest, current: Manifest): ManifestInputChanges {
  const sharedEqual = isDeepEqual(previous.variables, current.variables)
    && isDeepEqual(previous.contexts, current.contexts) && isDeepEqual(previous.repos, current.repos);
  const names = Object.keys(current.stacks).sort();
  const changed = new Map<string, InputDifference[]>();
  for (const name of names) {
    const before = previous.stacks[name];
    if (before === undefined) continue;
    if (sharedEqual && isDeepEqual(before, current.stacks[name])) continue;
    const differences = diffInputs(tryResolve(previous, name), tryResolve(current, name));
    if (differences.length > 0) changed.set(name, differences);
  }
  return {
    added: names.filter((name) => !(name in previous.stacks)),
    deleted: Object.keys(previous.stacks).filter((name) => !(name in current.stacks)).sort(),
    changed,
  };
}

function tryResolve(manifest: Manifest, name: string): StackInputs | string {
  try {
    return resolveStackInputs(manifest, name);
  } catch (error) {
    if (!isStackfleetError(error)) throw error;
    return error.message;
  }
}

function diffInputs(before: StackInputs | string, after: StackInputs | string): InputDifference[] {
  if (typeof before === 'string') return [{ label: 'inputs', error: `not resolvable at base: ${before}` }];
  if (typeof after === 'string') return [{ label: 'inputs', error: `not resolvable: ${after}` }];
  // Keys sort into `--why` order; only the few that differ need sorting.
  const differing: string[] = [];
  for (const [key, right] of after) {
    const left = before.get(key);
    if (left === undefined || left.via !== right.via || !isDeepEqual(left.value, right.value)) differing.push(key);
  }
  for (const key of before.keys()) if (!after.has(key)) differing.push(key);
  const moved = pairMovedEnvironmentVariables(before, after, differing);
  const differences: InputDifference[] = [];
  for (const key of differing.sort()) {
    const pair = moved?.get(key);
    if (pair !== undefined) {
      // Reported once, where the variable's key sorts, and only if the text differs.
      if (key === pair.envKey || pair.before === pair.after) continue;
      differences.push({ label: pair.label, before: pair.before, after: pair.after });
      continue;
    }
    const left = before.get(key);
    const right = after.get(key);
    const input = (right ?? left)!;
    differences.push({
      label: input.label,
      ...(left === undefined ? {} : { before: left.value }),
      ...(right === undefined ? {} : { after: right.value }),
      ...(input.variable === undefined ? {} : { variable: input.variable, via: input.via }),
    });
  }
  return differences;
}

/** A variable on one side, an explicit env entry of the name it reaches the stack under on the other. */
interface MovedEnvironmentVariable {
  envKey: string;
  /** The env entry's label: what the stack sees is that environment variable. */
  label: string;
  /** The environment variable's text on each side. */
  before: string;
  after: string;
}

/**
 * Variables that one side passes through `vars` and the other through an
 * explicit `env` entry of the name the variable reaches the stack under
 * (`TF_VAR_size` or `size`), by both keys: the stack sees one environment
 * variable either way, so it is compared as one, by its text (with the same
 * text, nothing changed). Undefined when there are none (nearly always).
 */
function pairMovedEnvironmentVariables(before: StackInputs, after: StackInputs, differing: readonly string[]): Map<string, MovedEnvironmentVariable> | undefined {
  let moved: Map<string, MovedEnvironmentVariable> | undefined;
  const pair = (variableSide: StackInputs, envSide: StackInputs, key: string) => {
    const variable = variableSide.get(key);
    if (variable?.via === undefined || envSide.has(key)) return;
    const envKey = envInputKey(variable.via);
    const env = envSide.get(envKey);
    if (env === undefined || variableSide.has(envKey) || typeof env.value !== 'string') return;
    const variableText = formatEnvValue(variable.value);
    const [beforeText, afterText] = variableSide === before ? [variableText, env.value] : [env.value, variableText];
    const entry = { envKey, label: env.label, before: beforeText, after: afterText };
    (moved ??= new Map()).set(key, entry).set(envKey, entry);
  };
  for (const key of differing) {
    pair(before, after, key);
    pair(after, before, key);
  }
  return moved;
}

/**
 * `variable environment: dev -> staging (via TF_VAR_environment)`; values are
 * shortened and escaped so a long file or a multi-line value stays one line.
 */
export function formatInputDifference(difference: InputDifference): string {
  if (difference.error !== undefined) return `${difference.label} ${difference.error}`;
  const via = difference.via === undefined ? '' : ` (via ${difference.via})`;
  const show = (side: 'before' | 'after') => (side in difference ? formatValue(difference[side]) : '(unset)');
  return `${difference.label}: ${show('before')} -> ${show('after')}${via}`;
}

const MAX_SHOWN = 60;

function formatValue(value: unknown): string {
  if (value === undefined) return '(unset)';
  const plain = typeof value === 'string' && /^[^\s"\\]([^\n\r\t"\\]*[^\s"\\])?$/.test(value);
  const text = plain ? value : JSON.stringify(value) ?? 'undefined';
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text;
}
