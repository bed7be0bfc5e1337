import type { ContextSpec, Manifest, StackSpec } from '../model.js';
import { isDeepEqual, listChangedKeys } from './deep-equal.js';
import type { AffectedReason } from './types.js';
import { selectVariableReferences } from './var-references.js';

export interface ManifestEdits {
  /** Stacks of the current manifest affected by the edit, with why. */
  affected: Map<string, AffectedReason>;
  /** Stacks present at base and gone now, sorted. */
  deleted: string[];
}

function isContextAttached(context: ContextSpec, stack: StackSpec): boolean {
  if (stack.contexts.includes(context.name)) return true;
  const labels = context.attachTo?.labels ?? [];
  return labels.includes('*') || labels.some((label) => stack.labels.includes(label));
}

/** Contexts a stack gets in a manifest: auto-attached by label plus listed ones. */
function listAttachedContexts(manifest: Manifest, stack: StackSpec): ContextSpec[] {
  return Object.values(manifest.contexts).filter((context) => isContextAttached(context, stack));
}

function addReason(into: Map<string, AffectedReason>, stack: string, reason: AffectedReason): void {
  if (!into.has(stack)) into.set(stack, reason);
}

/**
 * Compares the manifest at base with the current one. Rules: a stack whose
 * definition changed (deep compare) or is new; every stack a changed context
 * attaches to (before or after the edit); every stack that references a changed
 * `variables` entry, itself or through an attached context; every stack of a
 * repo whose url or ref changed.
 */
export function selectManifestEdits(previous: Manifest, current: Manifest, manifestPath: string): ManifestEdits {
  const affected = new Map<string, AffectedReason>();
  const stacks = Object.values(current.stacks).sort((a, b) => a.name.localeCompare(b.name));

  for (const stack of stacks) {
    const before = previous.stacks[stack.name];
    if (!before) addReason(affected, stack.name, `stack added in ${manifestPath}`);
    else if (!isDeepEqual(before, stack)) {
      const keys = listChangedKeys(before, stack).join(', ');
      addReason(affected, stack.name, `stack definition changed in ${manifestPath} (${keys})`);
    }
  }

  const contextNames = [...new Set([...Object.keys(previous.contexts), ...Object.keys(current.contexts)])].sort();
  for (const name of contextNames) {
    const before = previous.contexts[name];
    const after = current.contexts[name];
    if (isDeepEqual(before, after)) continue;
    const what = !before ? 'added' : !after ? 'removed' : `changed (${listChangedKeys(before, after).join(', ')})`;
    for (const stack of stacks) {
      const wasAttached = before !== undefined && previous.stacks[stack.name] !== undefined
        && isContextAttached(before, previous.stacks[stack.name]!);
      const isAttached = after !== undefined && isContextAttached(after, stack);
      if (wasAttached || isAttached) addReason(affected, stack.name, `context ${name} ${what} in ${manifestPath}`);
    }
  }

  const changedVariables = listChangedKeys(previous.variables, current.variables);
  if (changedVariables.length > 0) {
    for (const stack of stacks) {
      const sources = [stack, ...listAttachedContexts(current, stack)];
      for (const variable of changedVariables) {
        const via = sources.find((source) => selectVariableReferences(source).has(variable));
        if (!via) continue;
        const through = via === stack ? '' : ` (referenced by context ${via.name})`;
        addReason(affected, stack.name, `variable ${variable} changed in ${manifestPath}${through}`);
        break;
      }
    }
  }

  for (const repo of listChangedKeys(previous.repos, current.repos)) {
    for (const stack of stacks) {
      if (stack.repo === repo) addReason(affected, stack.name, `repo ${repo} changed in ${manifestPath}`);
    }
  }

  const deleted = Object.keys(previous.stacks).filter((name) => !(name in current.stacks)).sort();
  return { affected, deleted };
}
