import { describe, expect, it } from 'vitest';
import { formatProblems } from './manifest-problems.fixtures.js';

describe('YAML problems', () => {
  it('reports a syntax error with its position (E_YAML)', () => {
    const text = ['version: 1', 'stacks:', '  app:', '    path: "stacks/app', '    runner: terraform', ''].join('\n');
    expect(formatProblems(text)).toMatchInlineSnapshot(`
      "E_YAML stacks.yaml:6:1 invalid YAML: Missing closing "quote
        hint: fix the YAML syntax here (indentation, quoting, a missing ":" or bracket)"
    `);
  });

  it('reports bad indentation (E_YAML)', () => {
    const text = ['version: 1', 'stacks:', '  app:', '    path: a', '   labels: [x]', ''].join('\n');
    expect(formatProblems(text)).toMatchInlineSnapshot(`
      "E_YAML stacks.yaml:5:1 invalid YAML: All mapping items must start at the same column
        hint: fix the YAML syntax here (indentation, quoting, a missing ":" or bracket)"
    `);
  });

  it('reports a duplicate stack name at the second definition (E_DUPLICATE)', () => {
    const text = ['version: 1', 'stacks:', '  app:', '    path: a', '  app:', '    path: b', ''].join('\n');
    expect(formatProblems(text)).toMatchInlineSnapshot(`
      "E_DUPLICATE stacks.yaml:5:3 stacks.app: duplicate stack "app" (first defined on line 3)
        hint: give each stack a unique name"
    `);
  });

  it('reports a duplicate key inside a stack (E_DUPLICATE)', () => {
    const text = ['version: 1', 'stacks:', '  app:', '    path: a', '    labels: [x]', '    labels: [y]', ''].join('\n');
    expect(formatProblems(text)).toMatchInlineSnapshot(`
      "E_DUPLICATE stacks.yaml:6:5 stacks.app.labels: duplicate key "labels" (first defined on line 5)
        hint: keep one "labels" and remove the other"
    `);
  });

  it('reports a second YAML document in our words (E_YAML)', () => {
    expect(formatProblems('version: 1\nstacks: {}\n---\nversion: 1\n')).toMatchInlineSnapshot(`
      "E_YAML stacks.yaml:3:1 invalid YAML: the manifest must be a single document
        hint: remove this "---" and what follows, or move it to another file"
    `);
  });

  it('reports an empty file', () => {
    expect(formatProblems('# nothing yet\n')).toMatchInlineSnapshot(`
      "E_TYPE stacks.yaml:1:1 the manifest is empty
        hint: start with "version: 1" and a "stacks:" map (see docs/manifest.md)"
    `);
  });

  it('reports a manifest that is not a map', () => {
    expect(formatProblems('- a\n- b\n')).toMatchInlineSnapshot(`
      "E_TYPE stacks.yaml:1:1 expected a map, got a list
        hint: write a map of "key: value" pairs, e.g. { key: value }"
    `);
  });
});
