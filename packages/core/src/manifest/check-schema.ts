/**
 * Schema validation that keeps going: every schema problem is reported, and
 * the entries that passed are still handed to the rules, so one run shows the
 * user every mistake instead of one layer at a time.
 */
import type { z } from 'zod';
import type { Problem } from '../errors.js';
import type { ManifestLocator } from './locate.js';
import { manifestSchema, type RawManifest } from './schema.js';
import { translateIssues } from './translate-issues.js';

export interface SchemaCheck {
  /** Everything that passed the schema (invalid entries dropped, invalid sections defaulted). */
  raw: RawManifest | undefined;
  /** Names declared in the file, including entries dropped for schema problems. */
  declared: { stacks: string[]; contexts: string[]; repos: string[] };
  problems: Problem[];
}

const NAMED_SECTIONS = ['repos', 'contexts', 'stacks'] as const;

/**
 * Top-level keys starting with `x-` are free for the user (e.g. to hold YAML
 * anchors), as in docker-compose; the schema never sees them.
 */
export function isExtensionKey(key: string): boolean {
  return key.startsWith(EXTENSION_PREFIX);
}

const EXTENSION_PREFIX = 'x-';

export function dropExtensionKeys(data: unknown): unknown {
  if (!isPlainObject(data)) return data;
  return Object.fromEntries(Object.entries(data).filter(([key]) => !isExtensionKey(key)));
}

export function checkManifestSchema(input: unknown, locate: ManifestLocator): SchemaCheck {
  const data = dropExtensionKeys(input);
  const declared = collectDeclaredNames(data);
  const result = manifestSchema.safeParse(data, { reportInput: true });
  if (result.success) return { raw: result.data, declared, problems: [] };
  const problems = translateIssues(result.error.issues, { schema: manifestSchema, data, locate });
  return { raw: salvageManifest(data), declared, problems };
}

/** Names declared in the file (with `x-` keys dropped), whatever their entries hold. */
export function collectDeclaredNames(data: unknown): SchemaCheck['declared'] {
  return { stacks: namesIn(data, 'stacks'), contexts: namesIn(data, 'contexts'), repos: namesIn(data, 'repos') };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function namesIn(data: unknown, section: string): string[] {
  if (!isPlainObject(data)) return [];
  const entries = data[section];
  return isPlainObject(entries) ? Object.keys(entries) : [];
}

/** The valid part of an invalid manifest, or undefined when it is not even a map. */
function salvageManifest(data: unknown): RawManifest | undefined {
  if (!isPlainObject(data)) return undefined;
  const shape = manifestSchema.shape;
  const keepValid = <S extends z.ZodType>(schema: S, value: unknown): z.output<S> => {
    const parsed = schema.safeParse(value);
    return parsed.success ? parsed.data : schema.parse(undefined);
  };
  const salvaged: RawManifest = {
    version: 1,
    repos: {},
    contexts: {},
    stacks: {},
    settings: keepValid(shape.settings, data['settings']),
    variables: keepValid(shape.variables, data['variables']),
    policies: keepValid(shape.policies, data['policies']),
    teams: keepValid(shape.teams, data['teams']),
  };
  for (const section of NAMED_SECTIONS) {
    const entries = data[section];
    if (!isPlainObject(entries)) continue;
    const entrySchema = shape[section].unwrap().valueType;
    const kept: Record<string, unknown> = {};
    for (const [name, entry] of Object.entries(entries)) {
      const parsed = entrySchema.safeParse(entry);
      if (parsed.success) kept[name] = parsed.data;
    }
    (salvaged as Record<string, unknown>)[section] = kept;
  }
  return salvaged;
}
