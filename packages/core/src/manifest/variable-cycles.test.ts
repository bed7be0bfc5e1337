import { describe, expect, it } from 'vitest';
import { parseManifest } from './parse-manifest.js';
import { collectProblems, formatProblems } from './manifest-problems.fixtures.js';

const lines = (...text: string[]) => `${text.join('\n')}\n`;

describe('variable cycles (E_VARIABLE_CYCLE)', () => {
  it('reports a template that reads its own key on the winning layer, in vars, at its location', () => {
    expect(
      formatProblems(lines(
        'version: 1',
        'variables: { environment: dev }',
        'stacks:',
        '  app:',
        '    path: a',
        '    vars: { environment: "${{ vars.environment }}-eu" }',
      )),
    ).toMatchInlineSnapshot(`
      "E_VARIABLE_CYCLE stacks.yaml:6:26 stacks.app.vars.environment: variable "environment" reads its own key: every template sees the value after precedence, so this is a cycle
        hint: give the base value another name (e.g. "environment_base" under variables) and read that one"
    `);
  });

  it('reports a self-read in a context that wins, and a two-variable cycle in variables once', () => {
    expect(
      formatProblems(lines(
        'version: 1',
        'variables:',
        '  a: "${{ vars.b }}"',
        '  b: "x-${{ vars.a }}"',
        '  region: eu',
        'contexts:',
        '  prod:',
        '    attachTo: { labels: [prod] }',
        '    vars: { region: "${{ vars.region }}-1" }',
        'stacks:',
        '  one: { path: one, labels: [prod] }',
        '  two: { path: two }',
      )),
    ).toMatchInlineSnapshot(`
      "E_VARIABLE_CYCLE stacks.yaml:3:6 variables.a: variable cycle: a -> b -> a
        hint: break the cycle: one of variables.a, variables.b must not read the others
      E_VARIABLE_CYCLE stacks.yaml:9:21 contexts.prod.vars.region: variable "region" reads its own key: every template sees the value after precedence, so this is a cycle
        hint: give the base value another name (e.g. "region_base" under variables) and read that one"
    `);
  });

  it('counts a nested read (${{ vars.tags.team }}) and a read inside a map as reads of the variable', () => {
    expect(
      formatProblems(lines(
        'version: 1',
        'variables: { tags: { team: core } }',
        'stacks:',
        '  app:',
        '    path: a',
        '    vars: { tags: { team: "${{ vars.owner }}" }, owner: "${{ vars.tags.team }}" }',
      )),
    ).toContain('stacks.app.vars.owner: variable cycle: owner -> tags -> owner');
  });

  it('accepts a self-read that a higher layer overrides, and chains', () => {
    // `variables` alone still has the self-read: reported there, not for the stack that overrides it.
    expect(collectProblems(lines(
      'version: 1',
      'variables: { a: "${{ vars.b }}", b: "${{ vars.c }}", c: x, region: "${{ vars.region }}-1" }',
      'stacks:',
      '  app: { path: a, vars: { region: eu } }',
    )).map((problem) => problem.keyPath)).toEqual(['variables.region']);
    expect(() => parseManifest(lines(
      'version: 1',
      'variables: { a: "${{ vars.b }}", b: "${{ vars.c }}", c: x }',
      'contexts: { all: { attachTo: { labels: ["*"] }, vars: { b: "${{ vars.b2 }}" } } }',
      'stacks:',
      '  app: { path: a, vars: { b2: "${{ vars.c }}" } }',
    ), 'stacks.yaml')).not.toThrow();
  });
});
