import { formatProblem } from '@stackfleet/core';
import { describe, expect, it } from 'vitest';
import { parsePolicyTestFile } from './parse-policy-test-file.js';

const FILE = 'a.policy.test.yaml';
const problemsOf = (text: string) => parsePolicyTestFile(text, FILE).problems.map(formatProblem);

describe('parsePolicyTestFile', () => {
  it('reads cases with input or plan, and their expected decisions', () => {
    const { testFile, problems } = parsePolicyTestFile(
      `cases:
  - name: big
    input: { changes: { total: 5 } }
    decisions: [{ rule: a, effect: deny, message: too big, policy: a }]
  - plan: p.json
    stack: { name: db, labels: [prod] }
    run: { command: apply, actor: { login: ci } }
    approvals: [{ by: bob, at: "2026-01-01T00:00:00Z", teams: [] }]
    decisions: []
`,
      FILE,
    );
    expect(problems).toEqual([]);
    expect(testFile).toEqual({
      policy: 'a.policy.yaml',
      cases: [
        { name: 'big', input: { changes: { total: 5 } }, decisions: [{ rule: 'a', effect: 'deny', message: 'too big', policy: 'a' }] },
        {
          name: 'case 2',
          plan: 'p.json',
          stack: { name: 'db', labels: ['prod'] },
          run: { command: 'apply', actor: { login: 'ci' } },
          approvals: [{ by: 'bob', at: '2026-01-01T00:00:00Z', teams: [] }],
          decisions: [],
        },
      ],
    });
  });

  it('fails on a misspelt key inside an expected decision instead of ignoring it', () => {
    expect(problemsOf('cases:\n  - input: {}\n    decisions: [{ rule: a, effect: deny, mesage: "totally wrong" }]\n')).toMatchInlineSnapshot(`
      [
        "a.policy.test.yaml:3:42 cases[0].decisions[0].mesage: unknown key "mesage" (did you mean "message"?)
        hint: valid keys: rule, effect, message, policy",
      ]
    `);
  });

  it('names an unknown effect with a suggestion and the valid ones', () => {
    expect(problemsOf('cases:\n  - input: {}\n    decisions:\n      - { rule: a, effect: denny }\n')).toMatchInlineSnapshot(`
      [
        "a.policy.test.yaml:4:28 cases[0].decisions[0].effect: unknown effect "denny" (did you mean "deny"?)
        hint: use one of: deny, warn, require_approval",
      ]
    `);
  });

  it('checks every decision: a missing rule or effect, a message that is not a string, an item that is not a map', () => {
    expect(problemsOf('cases:\n  - input: {}\n    decisions:\n      - { effect: warn }\n      - { rule: a }\n      - { rule: a, effect: warn, message: [x] }\n      - deny a\n')).toMatchInlineSnapshot(`
      [
        "a.policy.test.yaml:4:9 cases[0].decisions[0].rule: missing "rule": the name of the rule expected to fire
        hint: write { rule: NAME, effect: deny }",
        "a.policy.test.yaml:5:9 cases[0].decisions[1].effect: missing "effect"
        hint: use one of: deny, warn, require_approval",
        "a.policy.test.yaml:6:43 cases[0].decisions[2].message: expected a string
        hint: quote it: message: "..."",
        "a.policy.test.yaml:7:9 cases[0].decisions[3]: expected { rule, effect, message?, policy? }
        hint: write - { rule: NAME, effect: deny }",
      ]
    `);
  });

  it('suggests the key meant at the top and case level too', () => {
    expect(problemsOf('polcy: x.policy.yaml\ncases:\n  - input: {}\n    decison: []\n')).toMatchInlineSnapshot(`
      [
        "a.policy.test.yaml:1:1 polcy: unknown key "polcy" (did you mean "policy"?)
        hint: valid keys: policy, cases",
        "a.policy.test.yaml:3:5 cases[0].decisions: missing "decisions": the decisions expected, in order
        hint: write decisions: [] when no rule should fire",
        "a.policy.test.yaml:4:5 cases[0].decison: unknown key "decison" (did you mean "decisions"?)
        hint: valid keys: name, input, plan, run, stack, approvals, decisions",
      ]
    `);
  });

  it('checks run, stack and approvals against the input document a run builds', () => {
    expect(
      problemsOf(
        'cases:\n  - plan: p.json\n    stack: { name: db, lables: [prod] }\n    run: { command: aply, actor: { logn: x } }\n    approvals: [{ by: bob, teams: ops }]\n    decisions: []\n',
      ),
    ).toMatchInlineSnapshot(`
      [
        "a.policy.test.yaml:3:24 cases[0].stack.lables: unknown key "lables" (did you mean "labels"?)
        hint: valid keys: name, labels, repo, path, runner",
        "a.policy.test.yaml:4:21 cases[0].run.command: unknown command "aply" (did you mean "apply"?)
        hint: use one of: plan, apply, destroy, drift",
        "a.policy.test.yaml:4:36 cases[0].run.actor.logn: unknown key "logn" (did you mean "login"?)
        hint: valid keys: login, name, source, teams",
        "a.policy.test.yaml:5:35 cases[0].approvals[0].teams: expected a list
        hint: write teams: [ ... ]",
      ]
    `);
  });

  it('refuses run, stack or approvals beside an input, which is taken as is', () => {
    expect(problemsOf('cases:\n  - input: { changes: { total: 1 } }\n    stack: { name: db }\n    decisions: []\n')).toMatchInlineSnapshot(`
      [
        "a.policy.test.yaml:3:5 cases[0].stack: "stack" is for cases with "plan": an "input" is taken as is
        hint: write it inside input: (input.stack)",
      ]
    `);
  });

  it('refuses an input that is not a map and a plan that is neither a path nor a document', () => {
    expect(problemsOf('cases:\n  - input: [1]\n    decisions: []\n  - plan: 3\n    decisions: []\n')).toMatchInlineSnapshot(`
      [
        "a.policy.test.yaml:2:12 cases[0].input: expected a map (the input document)
        hint: write input: { run: ..., stack: ..., changes: ... } (see docs/policies.md)",
        "a.policy.test.yaml:4:11 cases[1].plan: expected the path of a \`terraform show -json\` file, or that document inline
        hint: write plan: testdata/x.plan.json",
      ]
    `);
  });

  it('refuses an inline plan that is not `terraform show -json` of a plan (it read as a plan without changes)', () => {
    expect(problemsOf('cases:\n  - plan: { changes: { total: 9 } }\n    decisions: []\n  - plan: { resource_changes: [] }\n    decisions: []\n')).toMatchInlineSnapshot(`
      [
        "a.policy.test.yaml:2:11 cases[0].plan: not a plan from \`terraform show -json PLANFILE\`: it looks like an input document (run, stack, changes): it has no planned_values or resource_changes
        hint: paste a plan's resource_changes (and planned_values), or write the document under input:",
      ]
    `);
  });
});
