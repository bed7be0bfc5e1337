/**
 * Reads a zod schema's structure at a key path, to name the keys that are
 * allowed where the user wrote an unknown one.
 */
import type { z } from 'zod';
import type { KeySegment } from './key-path.js';

interface SchemaDefinition {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  valueType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
}

const WRAPPERS = new Set(['optional', 'default', 'prefault', 'nullable', 'readonly', 'catch', 'nonoptional']);

function definitionOf(schema: z.ZodType): SchemaDefinition {
  return (schema as unknown as { _zod: { def: SchemaDefinition } })._zod.def;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    const definition = definitionOf(current);
    if (WRAPPERS.has(definition.type) && definition.innerType) current = definition.innerType;
    else if (definition.type === 'pipe' && definition.in) current = definition.in;
    else return current;
  }
}

function childOf(schema: z.ZodType, segment: KeySegment): z.ZodType | undefined {
  const definition = definitionOf(unwrap(schema));
  switch (definition.type) {
    case 'object':
      return typeof segment === 'string' ? definition.shape?.[segment] : undefined;
    case 'record':
      return definition.valueType;
    case 'array':
      return typeof segment === 'number' ? definition.element : undefined;
    case 'union':
      for (const option of definition.options ?? []) {
        const child = childOf(option, segment);
        if (child) return child;
      }
      return undefined;
    default:
      return undefined;
  }
}

/** The sub-schema at a key path, or undefined when the path leaves the schema. */
export function findSchemaAt(schema: z.ZodType, path: readonly KeySegment[]): z.ZodType | undefined {
  let current: z.ZodType | undefined = schema;
  for (const segment of path) {
    if (!current) return undefined;
    current = childOf(current, segment);
  }
  return current;
}

/** The keys an object schema (or the object options of a union) allows, sorted. */
export function listAllowedKeys(schema: z.ZodType | undefined): string[] {
  if (!schema) return [];
  const definition = definitionOf(unwrap(schema));
  if (definition.type === 'object') return Object.keys(definition.shape ?? {}).sort();
  if (definition.type === 'union') {
    return [...new Set((definition.options ?? []).flatMap((option) => listAllowedKeys(option)))].sort();
  }
  return [];
}

/** The description of the sub-schema at a path, looking through optional/default wrappers. */
export function findDescriptionAt(schema: z.ZodType, path: readonly KeySegment[]): string | undefined {
  let current = findSchemaAt(schema, path);
  while (current) {
    if (current.description !== undefined) return current.description;
    const definition = definitionOf(current);
    const inner = WRAPPERS.has(definition.type) ? definition.innerType : undefined;
    current = inner;
  }
  return undefined;
}
