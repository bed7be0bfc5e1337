import { describe, expect, it } from 'vitest';
import { parsePolicyFile } from '../parse/parse-policy-file.js';
import { findUnknownReferences } from './find-unknown-references.js';

const known = { params: new Set(['limit']), variables: new Set(['score']) };

describe('findUnknownReferences', () => {
  it('finds params and variables the policy does not define, by field and by index, at the name', () => {
    expect(findUnknownReferences('params.limt > 1.0 && variables.scor > 0.0 && params["x"] == 1.0', known)).toEqual([
      { root: 'params', name: 'limt', offset: 7 },
      { root: 'variables', name: 'scor', offset: 31 },
      { root: 'params', name: 'x', offset: 52 },
    ]);
  });

  it('accepts defined names, presence tests and loop variables that hide a root', () => {
    expect(findUnknownReferences('params.limit > variables.score && has(params.optional) && has(variables.later)', known)).toEqual([]);
    expect(findUnknownReferences('input.xs.exists(params, params.anything == 1.0) && input.ys.all(v, v > params.limit)', known)).toEqual([]);
    expect(findUnknownReferences('input.params.anything && input.variables.other', known)).toEqual([]);
  });
});

describe('validate: unknown params and variables', () => {
  const parse = (text: string) => parsePolicyFile(text, { source: 'p.policy.yaml' }).problems.map((problem) => `${problem.location?.line}:${problem.location?.column} ${problem.message}`);

  it('reports each with file:line:col, a variable read before it is defined too, inside folded scalars', () => {
    const text = [
      'kind: plan',
      'params: { limit: 3 }',
      'variables:',
      '  a: params.limt + 1.0',
      '  b: variables.c > 0.0',
      '  c: 1.0',
      'rules:',
      '  - name: r',
      '    effect: deny',
      '    when: >-',
      '      has(params.opt) && variables.a > double(params.limit) &&',
      '      variables.d',
      '',
    ].join('\n');
    expect(parse(text)).toEqual(['4:13 unknown param "limt" (did you mean "limit"?)', '5:16 variable "c" is defined after this one', '12:17 unknown variable "d" (did you mean "a"?)']);
  });

  it('keeps a policy whose every read is defined', () => {
    expect(parse('kind: plan\nparams: { n: 1 }\nvariables:\n  a: double(params.n)\nrules:\n  - name: r\n    effect: warn\n    when: variables.a > 0.0\n')).toEqual([]);
  });
});
