import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifestWithPositions, parseValidManifestFast } from './parse-manifest.js';

const repoRoot = join(import.meta.dirname, '../../../..');

const anchors = `version: 1
x-defaults: &defaults
  runner: command
  commands: { apply: "true" }
  labels: [shared]
variables: { region: eu-west-1, count: 3, on: true, none: null, when: 2024-01-01, octal: 0o17 }
stacks:
  a:
    <<: *defaults
    path: a
  b:
    <<: *defaults
    path: b
    dependsOn: [a]
    env: { N: 12, FLAG: yes, QUOTED: "\${{ vars.region }}" }
    vars: { list: [1, "2", 3.5], nested: { deep: [true, ~] } }
  c:
    path: c
    runner: command
    commands: { apply: "echo |\\n" }
    files:
      "x.txt": |
        line one
        line two
`;

describe('the fast path of parseManifest', () => {
  it.each([
    ['the example fleet', readFileSync(join(repoRoot, 'stacks.yaml'), 'utf8')],
    ['anchors, merges and every scalar kind', anchors],
  ])('gives exactly the positional parser\'s manifest for %s', (_name, text) => {
    const fast = parseValidManifestFast(text, 'stacks.yaml');
    expect(fast).toBeDefined();
    expect(fast?.manifest).toEqual(parseManifestWithPositions(text, 'stacks.yaml').manifest);
    // Locations are computed on demand and match the positional parser.
    expect(fast?.locate('stacks.b.dependsOn[0]')).toEqual(parseManifestWithPositions(text, 'stacks.yaml').locate('stacks.b.dependsOn[0]'));
  });

  it.each([
    ['a duplicate key', 'version: 1\nstacks:\n  a: { path: a, runner: command, commands: { apply: "true" } }\n  a: { path: b, runner: command, commands: { apply: "true" } }\n'],
    ['a schema problem', 'version: 1\nstacks:\n  a: { path: a, runner: nope }\n'],
    ['a rule problem', 'version: 1\nstacks:\n  a: { path: a, runner: command, commands: { apply: "true" }, dependsOn: [zzz] }\n'],
    ['invalid YAML', 'version: 1\nstacks: [unclosed\n'],
  ])('leaves %s to the positional parser', (_name, text) => {
    expect(parseValidManifestFast(text, 'stacks.yaml')).toBeUndefined();
  });
});
