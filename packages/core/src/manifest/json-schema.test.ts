import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildManifestJsonSchema } from './json-schema.js';

const SCHEMA_FILE = fileURLToPath(new URL('../../../../schema/stacks.schema.json', import.meta.url));

describe('buildManifestJsonSchema', () => {
  it('matches the checked-in schema/stacks.schema.json', () => {
    const expected = `${JSON.stringify(buildManifestJsonSchema(), null, 2)}\n`;
    const actual = readFileSync(SCHEMA_FILE, 'utf8');
    expect(actual === expected, 'schema/stacks.schema.json is stale: run `npm run build && npm run schema`').toBe(true);
  });

  it('describes the input: strict objects, defaults optional, descriptions kept', () => {
    const schema = buildManifestJsonSchema() as {
      required: string[];
      additionalProperties: boolean;
      properties: { stacks: { additionalProperties: { required: string[]; properties: Record<string, { description?: string }> } } };
    };
    expect(schema.required).toEqual(['version']);
    expect(schema.additionalProperties).toBe(false);
    const stack = schema.properties.stacks.additionalProperties;
    expect(stack.required).toEqual(['path']);
    expect(Object.keys(stack.properties).sort()).toEqual([
      'after', 'commands', 'contexts', 'dependsOn', 'drift', 'env', 'files', 'hooks', 'labels',
      'path', 'pool', 'repo', 'retries', 'runner', 'secrets', 'timeout', 'vars', 'watch',
    ]);
    expect(stack.properties['runner']?.description).toBe('How the stack runs: terraform, tofu or command.');
  });
});
