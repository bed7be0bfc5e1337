import { describe, expect, it } from 'vitest';
import { formatKeyPath, parseKeyPath } from './key-path.js';
import { parseManifest } from './parse-manifest.js';

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
