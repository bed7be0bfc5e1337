import type { ContextSpec, StackSpec } from '../model.js';

// A local scanner for `${{ vars.NAME }}`: enough to tell which variables a
// stack reads, without depending on the interpolation module's internals.
const VARS_REFERENCE = /\$\{\{\s*vars\.([A-Za-z0-9_-]+)\s*\}\}/g;

function collectStrings(value: unknown, into: string[]): void {
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) for (const item of value) collectStrings(item, into);
  else if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) collectStrings(item, into);
  }
}

/** Names of `variables` entries referenced in the interpolated keys (env, vars, files, hooks). */
export function selectVariableReferences(spec: Pick<StackSpec | ContextSpec, 'env' | 'vars' | 'files' | 'hooks'>): Set<string> {
  const strings: string[] = [];
  collectStrings([spec.env, spec.vars, spec.files, spec.hooks], strings);
  const names = new Set<string>();
  for (const text of strings) {
    for (const match of text.matchAll(VARS_REFERENCE)) if (match[1]) names.add(match[1]);
  }
  return names;
}
