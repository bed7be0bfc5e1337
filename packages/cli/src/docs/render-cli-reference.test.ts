import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../command-table/commands.js';
import { renderCliReference, replaceGeneratedSection } from './render-cli-reference.js';

const docPath = join(import.meta.dirname, '../../../../docs/cli.md');

describe('docs/cli.md', () => {
  it('holds the reference generated from the command table', () => {
    const doc = readFileSync(docPath, 'utf8');
    const fresh = replaceGeneratedSection(doc, renderCliReference());
    expect(fresh === doc, 'docs/cli.md is stale: run `npm run build && npm run docs`').toBe(true);
  });

  it('lists every command, its flags and examples', () => {
    const reference = renderCliReference();
    for (const spec of COMMANDS) {
      expect(reference).toContain(`### \`stackfleet ${spec.name}`);
      for (const example of spec.examples) expect(reference).toContain(`\n${example}\n`);
    }
    expect(reference).toContain('| `--lock-timeout <duration>` |');
    expect(renderCliReference(COMMANDS.slice(1))).not.toContain('stackfleet validate`');
    const group = { name: 'policy', summary: 'policy tools', exits: '0', globals: [], examples: [] };
    const test = { name: 'test', summary: 'run policy tests', exits: '0 pass, 1 fail', globals: [], examples: ['stackfleet policy test'], load: COMMANDS[0]!.load };
    expect(renderCliReference([{ ...group, subcommands: [test] }])).toContain('### `stackfleet policy test`\n\nRun policy tests. Exit codes: 0 pass, 1 fail.');
  });

  it('keeps the hand-written text around the markers', () => {
    const doc = 'intro\n<!-- BEGIN GENERATED from packages/cli/src/command-table: edit there, then `npm run build && npm run docs` -->\nold\n<!-- END GENERATED -->\noutro\n';
    expect(replaceGeneratedSection(doc, 'new\n')).toBe(
      'intro\n<!-- BEGIN GENERATED from packages/cli/src/command-table: edit there, then `npm run build && npm run docs` -->\n\nnew\n\n<!-- END GENERATED -->\noutro\n',
    );
  });
});
