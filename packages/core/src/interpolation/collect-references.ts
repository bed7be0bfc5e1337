import type { ContextSpec, StackSpec } from '../model.js';
import { EMPTY_LIST, EMPTY_RECORD } from '../manifest/empty.js';
import { formatKeyPath, type KeySegment } from '../manifest/key-path.js';
import { countExpressions, EXPRESSIONS_PER_VALUE, parseTemplate, type TemplatePart } from './parse-template.js';

/** A string somewhere in the manifest that may hold `${{ ... }}` expressions. */
export interface TemplateString {
  segments: KeySegment[];
  text: string;
}

/** The keys of a stack or context whose strings are interpolated, in this order. */
export const TEMPLATED_KEYS = ['env', 'vars', 'files', 'hooks'] as const;

/** A step of the walk; key paths are built only for the strings returned. */
interface WalkStep {
  value: unknown;
  parent: WalkStep | undefined;
  key: KeySegment | undefined;
}

/**
 * Every string inside `value` (maps and lists at any depth) that may hold an
 * expression (contains `${{`), with its key path. Map keys are visited in
 * insertion order, which is the order of the YAML file. Plain strings cost no
 * key path: aliases can make a manifest hold a million of them.
 */
export function collectTemplateStrings(value: unknown, base: KeySegment[]): TemplateString[] {
  const found: TemplateString[] = [];
  // Most stacks' env, vars, files and hooks are empty: no walk for them (twice per stack on every load).
  if (isEmptyContainer(value)) return found;
  // Iterative walk: vars may nest deeply and we never want to overflow the stack.
  const pending: WalkStep[] = [{ value, parent: undefined, key: undefined }];
  while (pending.length > 0) {
    const step = pending.pop()!;
    const current = step.value;
    if (typeof current === 'string') {
      if (current.includes('${{')) found.push({ segments: [...base, ...keyPathOf(step)], text: current });
    } else if (Array.isArray(current)) {
      for (let index = current.length - 1; index >= 0; index -= 1) {
        pending.push({ value: current[index], parent: step, key: index });
      }
    } else if (current !== null && typeof current === 'object') {
      const entries = Object.entries(current as Record<string, unknown>);
      for (let index = entries.length - 1; index >= 0; index -= 1) {
        const [key, child] = entries[index]!;
        pending.push({ value: child, parent: step, key });
      }
    }
  }
  return found;
}

/** An empty list or map, found without building a list of its keys. */
export function isEmptyContainer(value: unknown): boolean {
  // The loaded manifest's shared empties first: most of a stack's maps are one (a for-in each, several per stack, showed on 10,000 stacks).
  if (value === EMPTY_RECORD || value === EMPTY_LIST) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (value === null || typeof value !== 'object') return false;
  for (const key in value) if (Object.hasOwn(value, key)) return false;
  return true;
}

function keyPathOf(step: WalkStep): KeySegment[] {
  const segments: KeySegment[] = [];
  for (let current: WalkStep | undefined = step; current?.key !== undefined; current = current.parent) segments.push(current.key);
  return segments.reverse();
}

/** The templated strings of a stack (`stacks.NAME.*`) or context (`contexts.NAME.*`). */
export function collectSpecTemplateStrings(
  kind: 'stacks' | 'contexts',
  spec: StackSpec | ContextSpec,
): TemplateString[] {
  const found: TemplateString[] = [];
  // An index loop: for...of allocates per step before the optimizer runs, and this runs for every stack.
  for (let index = 0; index < TEMPLATED_KEYS.length; index += 1) {
    const key = TEMPLATED_KEYS[index]!;
    if (isEmptyContainer(spec[key])) continue;
    for (const string of collectTemplateStrings(spec[key], [kind, spec.name, key])) found.push(string);
  }
  return found;
}

/**
 * Parses a template, returning no parts when its syntax is invalid or it
 * holds more expressions than a value may (validation reports both).
 */
export function tryParseTemplate(text: string): TemplatePart[] {
  if (countExpressions(text) > EXPRESSIONS_PER_VALUE) return [];
  try {
    return parseTemplate(text);
  } catch {
    return [];
  }
}

/**
 * Every `${{ stacks.X.outputs.K }}` in a stack's env, vars, files and hooks, with
 * the key path of the string that holds it (e.g. `stacks.app.vars.subnet`).
 * The graph builder turns these into `reference` edges.
 */
export function collectStackReferences(
  stack: StackSpec,
): { stack: string; output: string; keyPath: string }[] {
  return collectOutputReferences(collectSpecTemplateStrings('stacks', stack));
}

/** Like `collectStackReferences`, for a context's strings (`contexts.NAME.*`). */
export function collectContextReferences(
  context: ContextSpec,
): { stack: string; output: string; keyPath: string }[] {
  return collectOutputReferences(collectSpecTemplateStrings('contexts', context));
}

function collectOutputReferences(
  strings: TemplateString[],
): { stack: string; output: string; keyPath: string }[] {
  const references: { stack: string; output: string; keyPath: string }[] = [];
  for (const { segments, text } of strings) {
    for (const part of tryParseTemplate(text)) {
      if (part.kind === 'reference' && part.reference.root === 'stacks') {
        references.push({
          stack: part.reference.stack,
          output: part.reference.output,
          keyPath: formatKeyPath(segments),
        });
      }
    }
  }
  return references;
}
