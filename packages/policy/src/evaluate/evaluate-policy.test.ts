import { describe, expect, it } from 'vitest';
import { parsePolicyFile } from '../parse/parse-policy-file.js';
import type { Policy } from '../types.js';
import { countsApproval, decideVerdict, describeApprovalShortfall, isApprovalSatisfied } from './decide-verdict.js';
import { interpretExecResult } from './evaluate-exec-policy.js';
import { evaluatePolicy } from './evaluate-policy.js';
import { selectExecEnvironment } from './exec-command.js';

function policyOf(text: string): Policy {
  const { policy, problems } = parsePolicyFile(text, { source: 'p.policy.yaml' });
  if (!policy) throw new Error(JSON.stringify(problems));
  return policy;
}

const ISSUE_EXAMPLE = policyOf(`kind: plan
engine: cel
params:
  actionWeight: { delete: 10, update: 5, create: 1 }
  typeWeight: { aws_db_instance: 100, aws_lb: 25, aws_instance: 1 }
  threshold: 49
variables:
  score: >-
    input.terraform.resource_changes.map(r, r.change.actions.map(a,
      a in params.actionWeight ? double(params.actionWeight[a]) : 0.0).sum()
      * (r.type in params.typeWeight ? double(params.typeWeight[r.type]) : 1.0)).sum()
rules:
  - name: blast-radius
    effect: require_approval
    when: variables.score > double(params.threshold)
    message: '"blast radius " + string(variables.score) + " > " + string(params.threshold)'
  - name: no-prod-db-delete
    effect: deny
    when: input.stack.labels.exists(l, l == "prod") && input.terraform.resource_changes.exists(r, r.type == "aws_db_instance" && "delete" in r.change.actions)
    message: '"deleting a production database is not allowed"'
`);

const change = (type: string, ...actions: string[]) => ({ address: `${type}.x`, type, change: { actions } });

describe('evaluatePolicy (cel)', () => {
  it('scores the issue example with the registered list sum() over JSON doubles', async () => {
    const input = {
      stack: { labels: ['prod'] },
      terraform: { resource_changes: [change('aws_db_instance', 'delete'), change('aws_lb', 'update'), change('aws_instance', 'create')] },
    };
    expect(await evaluatePolicy(ISSUE_EXAMPLE, input)).toEqual([
      { policy: 'p', rule: 'blast-radius', effect: 'require_approval', message: 'blast radius 1126 > 49', approvals: 1, approvers: [] },
      { policy: 'p', rule: 'no-prod-db-delete', effect: 'deny', message: 'deleting a production database is not allowed' },
    ]);
    const small = { stack: { labels: [] }, terraform: { resource_changes: [change('aws_instance', 'create'), change('aws_instance', 'update')] } };
    expect(await evaluatePolicy(ISSUE_EXAMPLE, small)).toEqual([]);
  });

  it('evaluates variables in order; later ones use earlier ones', async () => {
    const policy = policyOf(`kind: plan
variables:
  a: input.n * 2.0
  b: variables.a + 1.0
rules:
  - { name: r, effect: warn, when: variables.b == 7.0, message: 'string(variables.b)' }
`);
    expect(await evaluatePolicy(policy, { n: 3 })).toEqual([{ policy: 'p', rule: 'r', effect: 'warn', message: '7' }]);
  });

  it('keeps a variable called __proto__ (an identifier) as an ordinary variable', async () => {
    const policy = policyOf(`kind: plan
variables:
  __proto__: input.n * 2.0
rules:
  - { name: r, effect: warn, when: 'variables["__proto__"] == 6.0', message: 'string(variables["__proto__"])' }
`);
    expect(await evaluatePolicy(policy, { n: 3 })).toEqual([{ policy: 'p', rule: 'r', effect: 'warn', message: '6' }]);
  });

  it('fails closed: a missing key, a non-bool when, a failing variable, a mixed sum each deny with the error', async () => {
    const policy = policyOf(`kind: plan
rules:
  - { name: missing, effect: warn, when: input.nope > 1.0 }
  - { name: not-bool, effect: warn, when: input.flag }
  - { name: mixed-sum, effect: warn, when: "[1, 2].sum() + input.list.sum() > 0" }
  - { name: fine, effect: warn, when: "true" }
`);
    expect(await evaluatePolicy(policy, { flag: 'yes', list: [1, 2] })).toEqual([
      { policy: 'p', rule: 'missing', effect: 'deny', message: 'evaluation failed: No such key: nope', error: true },
      { policy: 'p', rule: 'not-bool', effect: 'deny', message: 'evaluation failed: "when" must yield a bool, got string "yes"', error: true },
      { policy: 'p', rule: 'mixed-sum', effect: 'deny', message: expect.stringMatching(/^evaluation failed: .*(overload|int)/), error: true },
      { policy: 'p', rule: 'fine', effect: 'warn', message: 'fine' },
    ]);
    const failing = policyOf('kind: plan\nvariables: { x: input.terraform.resource_changes }\nrules: [{ name: r, effect: warn, when: "true" }]\n');
    expect(await evaluatePolicy(failing, { changes: {} })).toEqual([
      { policy: 'p', rule: 'variables.x', effect: 'deny', message: 'evaluation failed: No such key: terraform', error: true },
    ]);
  });

  it('lets rules test for input.terraform with has()', async () => {
    const policy = policyOf('kind: plan\nrules: [{ name: r, effect: warn, when: "!has(input.terraform) && !input.changes.known" }]\n');
    expect(await evaluatePolicy(policy, { changes: { known: false } })).toHaveLength(1);
  });

  it("has no verdict for an exec policy the run's interrupt stopped: it throws, where any other failure denies", async () => {
    const policy = policyOf('kind: plan\nengine: exec\ncommand: sleep 40\n');
    const interrupt = new AbortController();
    // The command runner's side of an interrupt: the process ends by a signal, no output.
    const runCommand = async (request: { signal?: AbortSignal }) => {
      interrupt.abort(new Error('interrupted'));
      expect(request.signal?.aborted).toBe(true);
      return { exitCode: null, stdout: '', stderr: '', timedOut: false };
    };
    await expect(evaluatePolicy(policy, {}, { runCommand, signal: interrupt.signal })).rejects.toThrow('exec policy p was stopped before it decided');
    const ended = await evaluatePolicy(policy, {}, { runCommand: async () => ({ exitCode: null, stdout: '', stderr: '', timedOut: false }), signal: new AbortController().signal });
    expect(ended).toEqual([{ policy: 'p', rule: 'exec', effect: 'deny', message: 'evaluation failed: command exited with a signal', error: true }]);
  });

  it('denies an exec policy when no command runner is given', async () => {
    const policy = policyOf('kind: plan\nengine: exec\ncommand: "true"\n');
    expect(await evaluatePolicy(policy, {})).toEqual([
      { policy: 'p', rule: 'exec', effect: 'deny', message: 'evaluation failed: exec policies cannot run here (no command runner)', error: true },
    ]);
  });
});

describe('selectExecEnvironment', () => {
  it("passes PATH, HOME and STACKFLEET_* but never stackfleet's own secrets or anything else", () => {
    expect(
      selectExecEnvironment({
        PATH: '/bin',
        HOME: '/root',
        STACKFLEET_ACTOR: 'ada',
        STACKFLEET_STATE_KEY: 'k'.repeat(64),
        STACKFLEET_STATE_URL: 'postgres://u:pw@db/sf',
        STACKFLEET_GITHUB_TOKEN: 'ghs_x',
        // docs/policies.md's example: a name ending in URL is taken for a credential, another name passes.
        STACKFLEET_OPA_URL: 'https://u:pw@opa',
        STACKFLEET_OPA_ENDPOINT: 'https://opa',
        AWS_SECRET_ACCESS_KEY: 'aws',
        UNSET: undefined,
      }),
    ).toEqual({ PATH: '/bin', HOME: '/root', STACKFLEET_ACTOR: 'ada', STACKFLEET_OPA_ENDPOINT: 'https://opa' });
  });
});

describe('interpretExecResult', () => {
  const policy = { name: 'x', timeoutMs: 10_000 };
  const ok = (stdout: string) => interpretExecResult(policy, { exitCode: 0, stdout, stderr: '', timedOut: false });

  it('reads deny, warn and require_approval lists; missing keys are empty; {msg} objects as conftest prints them', () => {
    expect(ok('{"warn": ["w"], "require_approval": [{"msg": "big", "rule": "size"}]}')).toEqual([
      { policy: 'x', rule: 'exec', effect: 'warn', message: 'w' },
      { policy: 'x', rule: 'size', effect: 'require_approval', message: 'big', approvals: 1, approvers: [] },
    ]);
    expect(ok('{}')).toEqual([]);
  });

  it('fails closed on non-JSON, unknown keys, a non-zero exit and the timeout', () => {
    const messages = [
      ok('not json'),
      ok('{"denied": []}'),
      ok('[]'),
      interpretExecResult(policy, { exitCode: 4, stdout: '', stderr: 'boom\nopa: error', timedOut: false }),
      interpretExecResult(policy, { exitCode: null, stdout: '', stderr: '', timedOut: true }),
    ].map((decisions) => decisions.map((decision) => `${decision.effect}: ${decision.message}`));
    expect(messages).toEqual([
      ['deny: evaluation failed: command printed no JSON object: "not json"'],
      ['deny: evaluation failed: command printed unknown key "denied" (expected deny, warn, require_approval)'],
      ['deny: evaluation failed: command must print a JSON object {"deny": [...], "warn": [...], "require_approval": [...]}'],
      ['deny: evaluation failed: command exited with code 4: opa: error'],
      ['deny: evaluation failed: command timed out after 10s'],
    ]);
  });
});

describe('decideVerdict', () => {
  const approval = { policy: 'p', rule: 'big', effect: 'require_approval' as const, message: 'm', approvals: 2, approvers: ['alice', 'team:dba'] };
  const at = '2026-01-01T00:00:00Z';

  it('deny wins, then unsatisfied approvals; warnings never stop', () => {
    const warn = { policy: 'p', rule: 'w', effect: 'warn' as const, message: 'w' };
    expect(decideVerdict([warn]).verdict).toBe('allow');
    expect(decideVerdict([warn, approval]).verdict).toBe('awaiting_approval');
    expect(decideVerdict([approval, { ...warn, effect: 'deny' }]).verdict).toBe('deny');
  });

  it('counts distinct allowed approvers, by login or team', () => {
    const context = (bys: string[], teams: string[] = []) => ({
      actor: 'carol',
      teams: { dba: ['dave'] },
      approvals: bys.map((by) => ({ by, at, teams })),
    });
    expect(isApprovalSatisfied(approval, context(['alice']))).toBe(false);
    expect(isApprovalSatisfied(approval, context(['alice', 'alice']))).toBe(false);
    expect(isApprovalSatisfied(approval, context(['alice', 'dave']))).toBe(true);
    expect(isApprovalSatisfied(approval, context(['alice', 'bob']))).toBe(false);
    expect(isApprovalSatisfied(approval, context(['alice', 'eve'], ['dba']))).toBe(true);
  });

  it('without approvers, anyone but the run actor approves', () => {
    const anyone = { ...approval, approvals: 1, approvers: [] };
    expect(isApprovalSatisfied(anyone, { actor: 'carol', approvals: [{ by: 'carol', at, teams: [] }] })).toBe(false);
    expect(isApprovalSatisfied(anyone, { actor: 'carol', approvals: [{ by: 'bob', at, teams: [] }] })).toBe(true);
  });

  describe("the actor's yes at the terminal prompt", () => {
    const byCarol = { by: 'carol', at, teams: [] };
    const atPrompt = (approvals: { by: string }[]) => ({ actor: 'carol', teams: { dba: ['dave', 'erin'] }, approvedAtPrompt: 'carol', approvals: approvals.map(({ by }) => ({ by, at, teams: [] })) });

    it('counts as one approval of a rule that names no approvers, not as the N a rule asks for', () => {
      const anyone = { ...approval, approvals: 1, approvers: [] };
      expect(countsApproval(anyone, byCarol, atPrompt([byCarol]))).toBe(true);
      expect(isApprovalSatisfied(anyone, atPrompt([byCarol]))).toBe(true);
      // Not at the prompt (the approve command, or a later resume): the actor's own approval does not count.
      expect(isApprovalSatisfied(anyone, { actor: 'carol', approvals: [byCarol] })).toBe(false);
      const twoOfAnyone = { ...anyone, approvals: 2 };
      expect(isApprovalSatisfied(twoOfAnyone, atPrompt([byCarol]))).toBe(false);
      expect(isApprovalSatisfied(twoOfAnyone, atPrompt([byCarol, { by: 'bob' }]))).toBe(true);
    });

    it('counts for a rule with approvers only when they allow the actor, and N still needs N of them', () => {
      const dbas = { ...approval, approvals: 2, approvers: ['team:dba'] };
      expect(countsApproval(dbas, byCarol, atPrompt([byCarol]))).toBe(false);
      expect(isApprovalSatisfied(dbas, atPrompt([byCarol, { by: 'dave' }]))).toBe(false);
      expect(isApprovalSatisfied(dbas, atPrompt([byCarol, { by: 'dave' }, { by: 'erin' }]))).toBe(true);
      const carolOrDave = { ...approval, approvals: 2, approvers: ['carol', 'dave'] };
      expect(isApprovalSatisfied(carolOrDave, atPrompt([byCarol]))).toBe(false);
      expect(isApprovalSatisfied(carolOrDave, atPrompt([byCarol, { by: 'dave' }]))).toBe(true);
    });

    it('says why the yes was not enough', () => {
      const dbas = { ...approval, approvals: 2, approvers: ['team:dba'] };
      expect(describeApprovalShortfall(dbas, atPrompt([byCarol]))).toBe("needs 2 approvals from team:dba, holds 0; carol's yes at the prompt counts for 0");
      expect(describeApprovalShortfall(dbas, atPrompt([byCarol, { by: 'dave' }]))).toBe(
        "needs 2 approvals from team:dba, holds 1 (dave); carol's yes at the prompt counts for 0",
      );
      const twoOfAnyone = { ...approval, approvals: 2, approvers: [] };
      expect(describeApprovalShortfall(twoOfAnyone, atPrompt([byCarol]))).toBe(
        "needs 2 approvals from anyone but carol, holds 1 (carol); carol's yes at the prompt counts for 1",
      );
      expect(describeApprovalShortfall({ ...twoOfAnyone, approvals: 1 }, { actor: 'carol', approvals: [] })).toBe('needs 1 approval from anyone but carol, holds 0');
    });
  });
});

describe('runaway CEL values', () => {
  it('denies at the variable whose list outgrows the limit, instead of letting V8 end the process', async () => {
    // v0 holds one element, each next one doubles it: v21 would hold 2^21 > 2,000,000.
    const chain = Array.from({ length: 59 }, (_, index) => `  v${index + 1}: variables.v${index} + variables.v${index}`).join('\n');
    const policy = policyOf(`kind: plan\nvariables:\n  v0: '[1.0]'\n${chain}\nrules:\n  - name: r\n    effect: warn\n    when: size(variables.v59) > 0\n`);
    const [decision, ...rest] = await evaluatePolicy(policy, {});
    expect(rest).toEqual([]);
    expect(decision).toMatchObject({ rule: 'variables.v21', effect: 'deny' });
    expect(decision!.message).toContain('holds more than 2,000,000 list elements or map entries');
  });

  it('counts nested lists and maps, and lets a large but bounded value through', async () => {
    const { checkValueSize } = await import('./check-value-size.js');
    expect(() => checkValueSize([[1, 2], { a: [3, 4], b: new Map([['c', [5]]]) }], 10)).not.toThrow();
    expect(() => checkValueSize([[1, 2], { a: [3, 4], b: new Map([['c', [5]]]) }], 9)).toThrow(/more than 9 list elements/);
  });
});
