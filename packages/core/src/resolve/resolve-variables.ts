import { StackfleetError } from '../errors.js';
import { collectTemplateStrings, tryParseTemplate } from '../interpolation/collect-references.js';
import { renderValue, type TemplateScope } from '../interpolation/render-template.js';

/** Variable name -> names of the variables its value reads (`${{ vars.tags.team }}` reads `tags`). */
export type VariableReads = Map<string, string[]>;

// Manifest values are shared by every stack that sees them (one `variables`
// map for 10,000 stacks), so what a value reads is worked out once per value.
const readsOfObject = new WeakMap<object, string[] | null>();
const readsOfString = new Map<string, string[] | null>();
const STRING_CACHE_LIMIT = 10_000;
// The map holds its keys alive, in a process that may read many manifests: a
// budget in characters too, so a few megabyte values cannot pin their text.
const STRING_CACHE_CHARACTERS = 1_000_000;
let cachedCharacters = 0;

/** The variables a value reads; `null` when it holds no template at all (nothing to render). */
export function readVariableReads(value: unknown): string[] | null {
  if (typeof value === 'string') {
    if (!value.includes('${{')) return null;
    let found = readsOfString.get(value);
    if (found === undefined) {
      found = readsInStrings([value]);
      if (readsOfString.size >= STRING_CACHE_LIMIT || cachedCharacters + value.length > STRING_CACHE_CHARACTERS) {
        readsOfString.clear();
        cachedCharacters = 0;
      }
      if (value.length <= STRING_CACHE_CHARACTERS) {
        readsOfString.set(value, found);
        cachedCharacters += value.length;
      }
    }
    return found;
  }
  if (value === null || typeof value !== 'object') return null;
  let found = readsOfObject.get(value);
  if (found === undefined) {
    const strings = collectTemplateStrings(value, []).map(({ text }) => text).filter((text) => text.includes('${{'));
    found = strings.length === 0 ? null : readsInStrings(strings);
    readsOfObject.set(value, found);
  }
  return found;
}

function readsInStrings(strings: string[]): string[] {
  const names = new Set<string>();
  for (const text of strings) {
    for (const part of tryParseTemplate(text)) {
      if (part.kind === 'reference' && part.reference.root === 'vars') names.add(part.reference.name);
    }
  }
  return [...names];
}

/** The variables each value reads, for the values that read any. */
export function collectVariableReads(vars: Record<string, unknown>): VariableReads {
  const reads: VariableReads = new Map();
  for (const [name, value] of Object.entries(vars)) {
    const names = readVariableReads(value);
    if (names !== null && names.length > 0) reads.set(name, names);
  }
  return reads;
}

/**
 * Orders variables so each comes after the ones it reads, or finds a cycle.
 * Iterative (a hostile chain of 100,000 variables cannot overflow the stack);
 * reads of names that do not exist are ignored here (validation reports them).
 *
 * @returns `{ order }`, or `{ cycle: ['a', 'b', 'a'] }` for the first cycle found
 *   (starting points in name order, so the answer is stable).
 */
export function orderVariables(names: Iterable<string>, reads: VariableReads): { order: string[]; cycle?: undefined } | { cycle: string[] } {
  const state = new Map<string, 'visiting' | 'done'>();
  const order: string[] = [];
  const known = new Set(names);
  for (const start of [...known].sort()) {
    if (state.has(start)) continue;
    const path: string[] = [start];
    const cursors: number[] = [0];
    state.set(start, 'visiting');
    while (path.length > 0) {
      const current = path[path.length - 1]!;
      const next = (reads.get(current) ?? [])[cursors[cursors.length - 1]!];
      if (next === undefined) {
        state.set(current, 'done');
        order.push(current);
        path.pop();
        cursors.pop();
        continue;
      }
      cursors[cursors.length - 1]! += 1;
      if (!known.has(next) || state.get(next) === 'done') continue;
      if (state.get(next) === 'visiting') return { cycle: [...path.slice(path.indexOf(next)), next] };
      state.set(next, 'visiting');
      path.push(next);
      cursors.push(0);
    }
  }
  return { order };
}

/**
 * Renders layered variables against themselves: every template sees the
 * values after precedence (SPEC §2), chains resolve (`a: "${{ vars.b }}"`,
 * `b: "${{ vars.c }}"`), and a cycle is an error instead of literal template
 * text reaching a stack. `scope.vars` is ignored; the other fields are used.
 *
 * @throws StackfleetError `E_VARIABLE_CYCLE`, and whatever rendering throws.
 */
export function resolveVariables(raw: Record<string, unknown>, scope: Omit<TemplateScope, 'vars'>): Record<string, unknown> {
  const reads: VariableReads = new Map();
  const templated: string[] = [];
  for (const [name, value] of Object.entries(raw)) {
    const names = readVariableReads(value);
    if (names === null) continue;
    templated.push(name);
    if (names.length > 0) reads.set(name, names);
  }
  // Values without templates are used as they are (never mutated downstream).
  if (templated.length === 0) return raw;
  const resolved: Record<string, unknown> = { ...raw };
  const inner = { ...scope, vars: resolved };
  if (reads.size === 0) {
    for (const name of templated) resolved[name] = renderValue(raw[name], inner);
    return resolved;
  }
  const sorted = orderVariables(Object.keys(raw), reads);
  if (sorted.cycle) {
    throw new StackfleetError('E_VARIABLE_CYCLE', `variable cycle: ${sorted.cycle.join(' -> ')}`, {
      hint: 'a template sees the value after precedence, so it cannot build on its own key; read a differently named variable',
    });
  }
  // Dependency order: a value is rendered after every value it reads.
  const isTemplated = new Set(templated);
  for (const name of sorted.order) if (isTemplated.has(name)) resolved[name] = renderValue(raw[name], inner);
  return resolved;
}
