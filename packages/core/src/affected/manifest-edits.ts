import type { Manifest } from '../model.js';
import { compareManifestInputs, formatInputDifference, type InputDifference, type ManifestInputChanges } from './compare-stack-inputs.js';
import type { AffectedReason } from './types.js';

/**
 * The variables a terraform/tofu stack's configuration declares (`variable
 * "environment"`), among those asked about; undefined = unknown, so every
 * variable counts. Read by IO code (vcs `readDeclaredVariables`).
 */
export type DeclaredVariables = (stack: string) => ReadonlySet<string> | undefined;

export interface ManifestEdits {
  /** Stacks of the current manifest affected by the edit, with why. */
  affected: Map<string, AffectedReason>;
  /** Stacks present at base and gone now, sorted. */
  deleted: string[];
}

/**
 * A variable reaches every stack as `TF_VAR_<name>` (terraform/tofu) or as
 * `<name>` (command), but terraform only reads the ones its configuration
 * declares; a command's process sees them all.
 */
function isConsumed(difference: InputDifference, manifest: Manifest, stack: string, declared?: DeclaredVariables): boolean {
  if (difference.variable === undefined || manifest.stacks[stack]?.runner === 'command') return true;
  return declared?.(stack)?.has(difference.variable) ?? true;
}

/**
 * The terraform/tofu stacks with variable differences, and those variables'
 * names: their declarations decide whether (or, beside another difference,
 * why) each stack is affected.
 */
export function listVariablesToCheck(changes: ManifestInputChanges, manifest: Manifest): Map<string, string[]> {
  const questions = new Map<string, string[]>();
  for (const [stack, differences] of changes.changed) {
    if (manifest.stacks[stack]?.runner === 'command') continue;
    const names = differences.flatMap((difference) => (difference.variable === undefined ? [] : [difference.variable]));
    if (names.length > 0) questions.set(stack, names);
  }
  return questions;
}

/**
 * Compares the manifest at base with the current one on resolved inputs
 * (`compareManifestInputs`): a new stack, and every stack something it
 * consumes differs for (variables after precedence, contexts' env, vars,
 * files, hooks and secret sources, runner, commands, path, repo url and ref,
 * dependsOn mappings). The reason names the first input that differs:
 * `variable environment: dev -> staging (via TF_VAR_environment)`.
 */
export function selectManifestEdits(
  previous: Manifest,
  current: Manifest,
  manifestPath: string,
  options: { declared?: DeclaredVariables; changes?: ManifestInputChanges } = {},
): ManifestEdits {
  const changes = options.changes ?? compareManifestInputs(previous, current);
  const affected = new Map<string, AffectedReason>();
  for (const stack of changes.added) affected.set(stack, `stack added in ${manifestPath}`);
  for (const [stack, differences] of changes.changed) {
    const consumed = differences.filter((difference) => isConsumed(difference, current, stack, options.declared));
    if (consumed.length === 0) continue;
    const more = consumed.length > 1 ? ` (and ${consumed.length - 1} more)` : '';
    affected.set(stack, `${formatInputDifference(consumed[0]!)}${more}`);
  }
  return { affected, deleted: changes.deleted };
}
