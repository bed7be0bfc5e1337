import { describe, expect, it } from 'vitest';
import { parseManifest } from './parse-manifest.js';
import { parseManifestNames } from './parse-manifest-names.js';

describe('parseManifestNames', () => {
  it('gives the names and labels the validating parser gives, merge keys included', () => {
    const text = `version: 1
stacks:
  web: &defaults { runner: command, path: web, labels: [prod, core], commands: { apply: "true" } }
  db: { <<: *defaults, path: db, labels: [data, prod] }
  api: { <<: *defaults, path: api }
  tool: { runner: command, path: tool, commands: { apply: "true" } }
`;
    const { manifest } = parseManifest(text, 'stacks.yaml');
    const stacks = Object.values(manifest.stacks);
    expect(parseManifestNames(text)).toEqual({
      stacks: stacks.map((stack) => stack.name).sort(),
      labels: [...new Set(stacks.flatMap((stack) => stack.labels))].sort(),
    });
    expect(parseManifestNames(text)).toEqual({ stacks: ['api', 'db', 'tool', 'web'], labels: ['core', 'data', 'prod'] });
  });

  it('gives nothing for YAML it cannot read, and skips values of the wrong shape', () => {
    expect(parseManifestNames('stacks: [unclosed')).toEqual({ stacks: [], labels: [] });
    expect(parseManifestNames('stacks: [a, b]')).toEqual({ stacks: [], labels: [] });
    expect(parseManifestNames('stacks:\n  a: { labels: prod }\n  b: { labels: [1, ok] }\n')).toEqual({ stacks: ['a', 'b'], labels: ['ok'] });
  });
});
