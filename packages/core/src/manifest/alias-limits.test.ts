import * as jsYaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { mayHoldAliases } from './alias-limits.js';

describe('mayHoldAliases', () => {
  it('is true wherever YAML reads an alias', () => {
    const texts = [
      '*a',
      'x: &a 1\ny: *a\n',
      'x: &a 1\ny:\n- *a\n',
      'x: &a 1\ny: [1,*a]\n',
      'x: &a 1\ny: {k:\t*a}\n',
      'x: &a 1\ny: {"k":*a}\n',
      'x: &a {k: 1}\ny: { <<: *a }\n',
      'x: &a 1\ny:\n  *a : 2\n',
    ];
    for (const text of texts) {
      // Each really holds an alias: the same object or value is reachable twice.
      expect(() => jsYaml.load(text.replace(/\*a/g, '*missing'))).toThrow(/unidentified alias/);
      expect({ text, may: mayHoldAliases(text) }).toEqual({ text, may: true });
    }
  });

  it('is false for a manifest without one, globs and "*" labels included', () => {
    expect(mayHoldAliases('stacks:\n  a: { path: a, watch: ["modules/**"], labels: [x] }\ncontexts:\n  c: { attachTo: { labels: ["*"] } }\n')).toBe(false);
  });
});
