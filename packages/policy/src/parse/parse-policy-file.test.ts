import { formatProblem } from '@stackfleet/core';
import { describe, expect, it } from 'vitest';
import { parsePolicyFile } from './parse-policy-file.js';

const problemsOf = (text: string) => parsePolicyFile(text, { source: 'p.policy.yaml' }).problems.map(formatProblem);

/** The character a problem points at (1-based line and column). */
const charAt = (text: string, line: number, column: number) => text.split('\n')[line - 1]![column - 1];

describe('parsePolicyFile', () => {
  it('parses the issue example into rules, variables and params (numbers as doubles)', () => {
    const { policy, problems } = parsePolicyFile(
      `kind: plan
params: { threshold: 49, weights: { delete: 10 } }
variables:
  score: input.changes.destroy * double(params.weights["delete"])
rules:
  - name: blast
    effect: require_approval
    approvals: 2
    approvers: [alice, "team:platform"]
    when: variables.score > double(params.threshold)
`,
      { source: 'policies/blast.policy.yaml', dir: '/x/policies' },
    );
    expect(problems).toEqual([]);
    expect(policy).toMatchObject({
      name: 'blast',
      kind: 'plan',
      engine: 'cel',
      dir: '/x/policies',
      params: { threshold: 49, weights: { delete: 10 } },
      variables: [{ name: 'score', expression: { keyPath: 'variables.score' } }],
      rules: [{ name: 'blast', effect: 'require_approval', approvals: 2, approvers: ['alice', 'team:platform'] }],
    });
  });

  it('reports unknown kind, engine, effect and keys with file:line:col and a suggestion', () => {
    expect(
      problemsOf(`kind: plann
engine: cell
rules:
  - name: r
    effect: denny
    when: "true"
    mesage: '"x"'
`),
    ).toMatchInlineSnapshot(`
      [
        "p.policy.yaml:1:7 kind: unknown kind "plann" (did you mean "plan"?)
        hint: use one of: plan, run, access",
        "p.policy.yaml:2:9 engine: unknown engine "cell" (did you mean "cel"?)
        hint: use one of: cel, exec",
        "p.policy.yaml:5:13 rules[0].effect: unknown effect "denny" (did you mean "deny"?)
        hint: use one of: deny, warn, require_approval",
        "p.policy.yaml:7:5 rules[0].mesage: unknown key "mesage" (did you mean "message"?)
        hint: valid keys: name, description, effect, when, message, approvals, approvers",
      ]
    `);
  });

  it('points a CEL syntax error at the character inside a folded block scalar', () => {
    const text = `kind: plan
variables:
  score: >-
    input.terraform.resource_changes.map(r,
      r.change.actions.size()) +
      ) .sum()
rules:
  - { name: r, effect: deny, when: variables.score > 1.0 }
`;
    const [problem] = parsePolicyFile(text, { source: 'p.policy.yaml' }).problems;
    expect(problem).toMatchObject({ code: 'E_POLICY_CEL', keyPath: 'variables.score', location: { line: 6, column: 7 } });
    expect(charAt(text, problem!.location!.line, problem!.location!.column)).toBe(')');
  });

  it('points into literal blocks, quoted strings with escapes and plain multi-line scalars', () => {
    const cases = [
      `kind: plan\nrules:\n  - name: r\n    effect: deny\n    when: |\n      input.a == 1.0 &&\n        input.b == ~2\n`,
      `kind: plan\nrules:\n  - name: r\n    effect: deny\n    when: "input.a == \\"x\\" && input.b == ~2"\n`,
      `kind: plan\nrules:\n  - name: r\n    effect: deny\n    when: 'input.a == ''x'' && input.b == ~2'\n`,
      `kind: plan\nrules:\n  - name: r\n    effect: deny\n    when: input.a == 1.0 &&\n      input.b == ~2\n`,
    ];
    for (const text of cases) {
      const [problem] = parsePolicyFile(text, { source: 'p.policy.yaml' }).problems;
      expect(problem?.code, text).toBe('E_POLICY_CEL');
      expect(charAt(text, problem!.location!.line, problem!.location!.column), text).toBe('~');
    }
  });

  it('points an error at the end of the expression (an unclosed `(`) just past its last character, also in `|`, `>` and `>-` blocks', () => {
    const rule = (when: string) => `kind: plan\nrules:\n  - name: r\n    effect: deny\n    when: ${when}\n  - { name: s, effect: warn, when: "true" }\n`;
    const cases: [string, { line: number; column: number }][] = [
      // Line 6 is `      (input.a == 1.0` (6 spaces, 15 characters): column 22 follows its last character.
      [rule('|\n      (input.a == 1.0'), { line: 6, column: 22 }],
      [rule('>\n      (input.a == 1.0'), { line: 6, column: 22 }],
      [rule('>-\n      (input.a == 1.0'), { line: 6, column: 22 }],
      [rule('|\n      (input.a == 1.0\n\n'), { line: 6, column: 22 }],
      [rule('|+\n      input.b &&\n      (input.a == 1.0  \n\n'), { line: 7, column: 22 }],
      [rule('>-\n      input.b &&\n      (input.a == 1.0'), { line: 7, column: 22 }],
      // At the end of the file, the block's last line has no line break after it (or has one).
      [`kind: plan\nrules:\n  - name: r\n    effect: deny\n    when: |\n      (input.a == 1.0\n`, { line: 6, column: 22 }],
      [`kind: plan\nrules:\n  - name: r\n    effect: deny\n    when: >-\n      (input.a == 1.0`, { line: 6, column: 22 }],
      // `    when: "(input.a == 1.0"`: the closing quote, just past the expression.
      [rule('"(input.a == 1.0"'), { line: 5, column: 27 }],
      [rule("'(input.a == 1.0'"), { line: 5, column: 27 }],
      [rule('(input.a == 1.0'), { line: 5, column: 26 }],
    ];
    for (const [text, location] of cases) {
      const [problem] = parsePolicyFile(text, { source: 'p.policy.yaml' }).problems;
      expect({ text, code: problem?.code, location: problem?.location }).toEqual({ text, code: 'E_POLICY_CEL', location: { file: 'p.policy.yaml', ...location } });
    }
  });

  it('points at the offending `\'` after adjacent \'\' escapes (each `\'\'` is one value character; col 36 for 37 before)', () => {
    const text = "kind: plan\nrules:\n  - name: r\n    effect: deny\n    when: 'input.stack.name == ''a'''''\n";
    const [problem] = parsePolicyFile(text, { source: 'p.policy.yaml' }).problems;
    expect(problem).toMatchObject({ code: 'E_POLICY_CEL', location: { line: 5, column: 37 } });
  });

  it('counts columns in characters: an emoji before the error is one column, like é and €', () => {
    const line = (prefix: string) => `kind: plan\nrules:\n  - name: r\n    effect: deny\n    when: '"${prefix}" == input.a && ~2'\n`;
    const column = (prefix: string) => parsePolicyFile(line(prefix), { source: 'p.policy.yaml' }).problems[0]?.location?.column;
    const plain = column('abc');
    expect(plain).toBe('    when: \'"abc" == input.a && ~'.length);
    expect([column('😀éx'), column('€😀😀')]).toEqual([plain, plain]);
  });

  it('rejects type errors at parse time: a when that is not a bool, a message that is not a string', () => {
    expect(
      problemsOf(`kind: plan
rules:
  - name: r
    effect: warn
    when: 1 + 2
    message: deleting things
`),
    ).toMatchInlineSnapshot(`
      [
        "p.policy.yaml:5:11 rules[0].when: invalid CEL: expected an expression of type bool, this one is int
        hint: when is a CEL expression that yields a bool, e.g. input.changes.destroy > 0.0",
        "p.policy.yaml:6:23 rules[0].message: invalid CEL: unexpected "things"
        hint: message is a CEL expression: quote text, e.g. message: '"too many deletes: " + string(n)'",
      ]
    `);
  });

  it('enforces size and depth limits at parse time', () => {
    const deep = `${'('.repeat(60)}true${')'.repeat(60)}`;
    const long = Array.from({ length: 1_000 }, () => 'input.a == 1.0').join(' || ');
    const [depth] = parsePolicyFile(`kind: plan\nrules:\n  - { name: r, effect: deny, when: "${deep}" }\n`, { source: 'p' }).problems;
    const [size] = parsePolicyFile(`kind: plan\nrules:\n  - { name: r, effect: deny, when: "${long}" }\n`, { source: 'p' }).problems;
    expect(depth?.message).toMatch(/Exceeded maxDepth/);
    expect(size?.message).toMatch(/more than the limit of 8000/);
  });

  it('checks exec policies: command required, timeout a duration, no rules', () => {
    expect(
      problemsOf(`kind: access
engine: exec
timeout: 10 seconds
rules: []
`),
    ).toMatchInlineSnapshot(`
      [
        "p.policy.yaml:1:1 missing required key "command"
        hint: an exec policy needs command: "..." (run with sh -c in the policy file's directory)",
        "p.policy.yaml:3:10 timeout: invalid duration "10 seconds"
        hint: write a duration such as "10s", "1m" or "500ms"",
        "p.policy.yaml:4:1 rules: "rules" is for engine: cel
        hint: an exec policy decides in its command; remove this key or use engine: cel",
      ]
    `);
    // A duration of no time at all is not called invalid (its hint would name 0s among the valid ones).
    expect(problemsOf('kind: run\nengine: exec\ncommand: ./check.sh\ntimeout: 0s\n')).toEqual([
      'p.policy.yaml:4:10 timeout: timeout "0s" leaves the command no time\n  hint: give it some, e.g. "10s" (the default when timeout is left out)',
    ]);
    const { policy } = parsePolicyFile('kind: run\nengine: exec\ncommand: ./check.sh\n', { source: 'c.policy.yaml', dir: '/p' });
    expect(policy).toEqual({ name: 'c', kind: 'run', engine: 'exec', command: './check.sh', timeoutMs: 10_000, source: 'c.policy.yaml', dir: '/p', params: {} });
  });

  it('reports YAML syntax errors and a missing kind', () => {
    expect(problemsOf('kind: [plan\n')).toHaveLength(1);
    expect(problemsOf('rules:\n  - { name: r, effect: deny, when: "true" }\n')).toMatchInlineSnapshot(`
      [
        "p.policy.yaml:1:1 kind: missing required key "kind"
        hint: add "kind: plan" (one of plan, run, access)",
      ]
    `);
  });
});
