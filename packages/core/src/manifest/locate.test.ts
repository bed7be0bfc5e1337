import { describe, expect, it } from 'vitest';
import { formatKeyPath, parseKeyPath } from './key-path.js';
import { collectProblems } from './manifest-problems.fixtures.js';
import { parseManifest } from './parse-manifest.js';
import { buildPositionsLocator } from './yaml-positions.js';
import { parseYamlSource } from './yaml-source.js';

const TEXT = [
  'version: 1', //                                   1
  'stacks:', //                                      2
  '  network:', //                                   3
  '    path: stacks/network', //                     4
  '    files: { "backend.auto.tfvars": "x" }', //    5
  '  app:', //                                       6
  '    path: stacks/app', //                         7
  '    dependsOn:', //                               8
  '      - stack: network', //                       9
  '      - db', //                                  10
  '    vars:', //                                   11
  '      subnet: "${{ stacks.network.outputs.id }}"', // 12
  '  db: { path: stacks/db }', //                  13
  '',
].join('\n');

describe('locate', () => {
  const { locate } = parseManifest(TEXT, 'stacks.yaml');

  it('points at the value of a scalar', () => {
    expect(locate('stacks.app.dependsOn[0].stack')).toEqual({ file: 'stacks.yaml', line: 9, column: 16 });
    expect(locate('stacks.app.vars.subnet')).toEqual({ file: 'stacks.yaml', line: 12, column: 15 });
  });

  it('points at the key of a block collection', () => {
    expect(locate('stacks.app')).toEqual({ file: 'stacks.yaml', line: 6, column: 3 });
    expect(locate('stacks.app.dependsOn')).toEqual({ file: 'stacks.yaml', line: 8, column: 5 });
  });

  it('falls back to the deepest part that exists (shorthand, defaults)', () => {
    expect(locate('stacks.app.dependsOn[1].stack')).toEqual({ file: 'stacks.yaml', line: 10, column: 9 });
    expect(locate('stacks.app.runner')).toEqual({ file: 'stacks.yaml', line: 6, column: 3 });
  });

  it('counts columns in characters (an emoji is one, like é), in the fast and in the full parse', () => {
    const text = 'version: 1\nstacks:\n  app: { path: "😀é€😀", runner: command, commands: { apply: "true" }, timeout: 5x }\n';
    const column = [...'  app: { path: "😀é€😀", runner: command, commands: { apply: "true" }, timeout: '].length + 1;
    expect(collectProblems(text)[0]?.location).toEqual({ file: 'stacks.yaml', line: 3, column });
    // A YAML error, a duplicate key and an unknown alias come from the full parse.
    const at = (line: string) => collectProblems(`version: 1\nstacks:\n${line}\n`)[0]?.location;
    expect([at('  app: { path: "😀" } x'), at('  app: { path: "😀", path: b }'), at('  app: { path: "😀", a: *nope }')]).toEqual(
      [22, 21, 24].map((column) => ({ file: 'stacks.yaml', line: 3, column })),
    );
    expect(parseYamlSource(text, 'stacks.yaml').locate('stacks.app.timeout')).toEqual({ file: 'stacks.yaml', line: 3, column });
    expect(buildPositionsLocator(text, 'stacks.yaml')('stacks.app.timeout')).toEqual({ file: 'stacks.yaml', line: 3, column });
  });

  it('reads quoted keys', () => {
    expect(locate('stacks.network.files["backend.auto.tfvars"]')).toEqual({ file: 'stacks.yaml', line: 5, column: 37 });
  });

  it('returns undefined for a malformed key path', () => {
    expect(locate('stacks.app.files["unclosed')).toBeUndefined();
  });
});

describe('key paths', () => {
  it('round-trip through format and parse', () => {
    const segments = ['stacks', 'app', 'files', 'backend.auto.tfvars', 'x', 0, 'with "quote"'];
    const path = formatKeyPath(segments);
    expect(path).toBe('stacks.app.files["backend.auto.tfvars"].x[0]["with \\"quote\\""]');
    expect(parseKeyPath(path)).toEqual(segments);
  });
});
