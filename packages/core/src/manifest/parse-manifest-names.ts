import { parseYamlFast } from './fast-yaml.js';

/** Stack names and labels, sorted and without duplicates. */
export interface ManifestNames {
  stacks: string[];
  labels: string[];
}

/**
 * Only the stack names and their labels, read from the YAML without the
 * schema, normalization or rules: shell completion asks for them on every
 * Tab, and the validating parser (zod, both YAML parsers) costs more to load
 * than the whole answer may take. A manifest that is not valid YAML gives no
 * names (a prompt is no place for errors); keys that are not what the schema
 * expects are skipped.
 */
export function parseManifestNames(text: string): ManifestNames {
  const stacks = readMap(readMap(parseYamlFast(text)?.data)?.stacks);
  if (stacks === undefined) return { stacks: [], labels: [] };
  const labels = new Set<string>();
  for (const stack of Object.values(stacks)) {
    const stackLabels = readMap(stack)?.labels;
    if (!Array.isArray(stackLabels)) continue;
    for (const label of stackLabels) if (typeof label === 'string') labels.add(label);
  }
  return { stacks: Object.keys(stacks).sort(), labels: [...labels].sort() };
}

function readMap(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
