import type { Manifest } from '../model.js';
import { isDeepEqual, listChangedKeys } from './deep-equal.js';

/**
 * The top-level variables edited between two manifest versions, when the
 * edit is one whose effect on a stack can be derived without resolving the
 * stack twice (`replaceTopLevelVariables`): `contexts` and `repos` are equal,
 * the edited values (on both sides) hold no template, and no template anywhere
 * in the manifest mentions an edited name. Otherwise `undefined`: every stack
 * is resolved at base and at head.
 *
 * The mention test is textual (a name inside any `${{`-bearing string), so it
 * errs towards resolving twice, never towards missing a template.
 */
export function listTopLevelVariableEdits(previous: Manifest, current: Manifest): string[] | undefined {
  if (!isDeepEqual(previous.contexts, current.contexts) || !isDeepEqual(previous.repos, current.repos)) return undefined;
  const names = listChangedKeys(previous.variables, current.variables);
  if (names.length === 0) return undefined;
  const edited = names.flatMap((name) => [previous.variables[name], current.variables[name]]);
  if (edited.some(holdsTemplate)) return undefined;
  const mentions = (text: string) => text.includes('${{') && names.some((name) => text.includes(name));
  const everything = [previous.variables, current.variables, current.contexts, current.stacks];
  return everything.some((value) => someString(value, mentions)) ? undefined : names;
}

function holdsTemplate(value: unknown): boolean {
  return someString(value, (text) => text.includes('${{'));
}

/** Whether any string in `value` (keys included, at any depth) satisfies `test`; iterative, as manifests may nest deeply. */
function someString(value: unknown, test: (text: string) => boolean): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next === 'string') {
      if (test(next)) return true;
    } else if (Array.isArray(next)) {
      pending.push(...(next as unknown[]));
    } else if (next !== null && typeof next === 'object') {
      for (const [key, child] of Object.entries(next)) {
        if (test(key)) return true;
        pending.push(child);
      }
    }
  }
  return false;
}
