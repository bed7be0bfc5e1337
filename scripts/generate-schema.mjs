#!/usr/bin/env node
// Writes schema/stacks.schema.json from the zod schema the manifest loader uses,
// so editors validate stacks.yaml exactly like `stackfleet validate` does.
// Run after building core: `npm run build && npm run schema`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { buildManifestJsonSchema } = await import(join(root, 'packages/core/dist/index.js'));

const target = join(root, 'schema/stacks.schema.json');
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, `${JSON.stringify(buildManifestJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target}`);

// The input document of policies (docs/policies.md), from the policy package.
const { POLICY_INPUT_JSON_SCHEMA } = await import(join(root, 'packages/policy/dist/index.js'));
const inputTarget = join(root, 'schema/policy-input.schema.json');
writeFileSync(inputTarget, `${JSON.stringify(POLICY_INPUT_JSON_SCHEMA, null, 2)}\n`);
console.log(`wrote ${inputTarget}`);
