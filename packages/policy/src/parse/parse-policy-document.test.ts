import { formatProblem } from '@stackfleet/core';
import { describe, expect, it } from 'vitest';
import { parsePolicyDocument } from './parse-policy-document.js';

const problemsOf = (text: string, file: string, kind: 'input' | 'plan' = 'input') => parsePolicyDocument(text, file, kind).problems.map(formatProblem);

describe('parsePolicyDocument', () => {
  it('reads JSON, and YAML by the extension', () => {
    expect(parsePolicyDocument('{"changes": {"total": 1}}', 'in.json', 'input')).toEqual({ document: { changes: { total: 1 } }, problems: [] });
    expect(parsePolicyDocument('changes: { total: 1 }\n', 'in.yaml', 'input')).toEqual({ document: { changes: { total: 1 } }, problems: [] });
  });

  it('says where invalid JSON is wrong, on one line', () => {
    expect(problemsOf('{\n  "labels": [}\n', 'bad1.json')).toMatchInlineSnapshot(`
      [
        "bad1.json:2:14 invalid JSON: expected a value, found "}"
        hint: fix the JSON there (a missing or extra comma, bracket or quote?)",
      ]
    `);
  });

  it('gives invalid YAML one line with file:line:col, not the yaml library snippet', () => {
    expect(problemsOf('a: [\nb: 1\n', 'bad.yaml')).toMatchInlineSnapshot(`
      [
        "bad.yaml:2:1 invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]
        hint: fix the YAML syntax here (indentation, quoting, a missing ":")",
      ]
    `);
  });

  it('refuses an input document that is not an object, pointing at it', () => {
    expect(problemsOf('\n  [{"changes": {}}]', 'list.json')).toMatchInlineSnapshot(`
      [
        "list.json:2:3 the input document must be an object, it is a list
        hint: write one object: { "run": ..., "stack": ..., "changes": ... } (see "The input document" in docs/policies.md)",
      ]
    `);
    expect(problemsOf('', 'empty.yaml')[0]).toContain('empty.yaml:1:1 the input document must be an object, it is empty');
    expect(problemsOf('"x"', 'string.json')[0]).toContain('string.json:1:1 the input document must be an object, it is a string');
  });

  it('leaves a plan that is not an object to the plan check', () => {
    expect(parsePolicyDocument('[]', 'plan.json', 'plan')).toEqual({ document: [], problems: [] });
  });
});
