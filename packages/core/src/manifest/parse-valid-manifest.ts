/**
 * A valid manifest in one pass over its stacks: zod checks everything but
 * the stacks (a few keys), each stack is checked by hand when it has the
 * common shape (`parseStackFast`, else zod) and normalized right away. The
 * full path (`checkManifestSchema`, then `normalizeManifest`) walks 10,000
 * stacks through zod and builds the stacks map twice; this one does neither.
 */
import type { Manifest, StackSpec } from '../model.js';
import { collectDeclaredNames, dropExtensionKeys, isPlainObject, type SchemaCheck } from './check-schema.js';
import { normalizeManifest, normalizeStack } from './normalize.js';
import { parseStackFast } from './parse-stack-fast.js';
import { rememberStackList } from './rules/rule-context.js';
import { manifestSchema, stackSchema } from './schema.js';

export interface ValidManifest {
  manifest: Manifest;
  declared: SchemaCheck['declared'];
}

/**
 * The normalized manifest when the schema accepts `input`, else undefined at
 * the first problem: the full check then finds and words every one, so
 * messages never depend on which path ran.
 */
export function parseValidManifest(input: unknown, source: string): ValidManifest | undefined {
  const data = dropExtensionKeys(input);
  if (!isPlainObject(data)) return undefined;
  const entries = data['stacks'];
  if (!isPlainObject(entries)) return undefined;
  const rest = manifestSchema.safeParse({ ...data, stacks: {} });
  if (!rest.success) return undefined;
  const declared = collectDeclaredNames(data);
  const stacks: Record<string, StackSpec> = {};
  const list: StackSpec[] = [];
  // An index loop: for...of allocates per step before the optimizer runs (10,000 stacks).
  for (let index = 0; index < declared.stacks.length; index += 1) {
    const name = declared.stacks[index]!;
    // zod's record leaves this key out; the full path handles it.
    if (name === '__proto__') return undefined;
    const stack = parseStackFast(entries[name], name) ?? parseStackWithZod(entries[name], name);
    if (stack === undefined) return undefined;
    stacks[name] = stack;
    list.push(stack);
  }
  const manifest = normalizeManifest(rest.data, source);
  manifest.stacks = stacks;
  rememberStackList(manifest, list);
  return { manifest, declared };
}

function parseStackWithZod(entry: unknown, name: string): StackSpec | undefined {
  const parsed = stackSchema.safeParse(entry);
  return parsed.success ? normalizeStack(parsed.data, name) : undefined;
}
