import { z } from 'zod';
import { manifestSchema } from './schema.js';

/**
 * The JSON Schema of `stacks.yaml`, for editors (`yaml-language-server`).
 * Generated from the schema the loader validates with; describes the input,
 * so keys with defaults are optional.
 */
export function buildManifestJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(manifestSchema, { io: 'input', target: 'draft-2020-12' }),
    // `x-*` keys are ignored by the loader (a place for YAML anchors).
    patternProperties: { '^x-': { description: 'Ignored by stackfleet; a place for YAML anchors.' } },
    $id: 'https://stackfleet.dev/schema/stacks.schema.json',
    title: 'stackfleet manifest',
  };
}
