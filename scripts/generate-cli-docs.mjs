#!/usr/bin/env node
// Writes the command and flag reference of docs/cli.md (between its GENERATED
// markers) from the CLI's command table, so the docs never disagree with
// `--help`. Run after building the cli: `npm run build && npm run docs`.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { renderCliReference, replaceGeneratedSection } = await import(join(root, 'packages/cli/dist/index.js'));

const target = join(root, 'docs/cli.md');
writeFileSync(target, replaceGeneratedSection(readFileSync(target, 'utf8'), renderCliReference()));
console.log(`wrote ${target}`);
