import type { ApprovalRecord, StackSpec } from '@stackfleet/core';
import { describe, expect, it } from 'vitest';
import { buildRunInfo } from '../input/build-run-info.js';
import { parsePolicyFile } from '../parse/parse-policy-file.js';
import type { LoadedPolicy } from '../select/select-policies.js';
import { buildApprovalRecords } from './build-approvals.js';
import { evaluateAccessGate, evaluatePlannedRunGate, evaluateRunGate, evaluateStackGate, toPolicyApprovals, type GateContext } from './evaluate-gate.js';

function load(text: string, ref: LoadedPolicy['refs'][number] = { file: 'p.policy.yaml' }): LoadedPolicy {
  const { policy, problems } = parsePolicyFile(text, { source: ref.file });
  if (!policy) throw new Error(JSON.stringify(problems));
  return { refs: [ref], policy };
}

const stack = (name: string, labels: string[] = []): StackSpec =>
  ({ name, labels, path: `stacks/${name}`, runner: 'terraform', repo: undefined }) as unknown as StackSpec;

const plan = (...actions: string[][]) => ({
  runner: 'terraform' as const,
  show: { resource_changes: actions.map((action, index) => ({ address: `terraform_data.r${index}`, type: 'terraform_data', name: `r${index}`, change: { actions: action, before: null, after: { input: 'secret-value-1' } } })) },
});

const APPROVAL = load(`kind: plan
rules:
  - name: big
    effect: require_approval
    when: input.changes.total > 1.0
    message: '"total " + string(int(input.changes.total))'
  - name: leak
    effect: warn
    when: "true"
    message: 'input.terraform.resource_changes.map(r, string(r.change.after.input)).join(",")'
`, { file: 'approval.policy.yaml', labels: ['prod'] });

function context(actor: string, approvals: ApprovalRecord[] = [], plannedBy?: string): GateContext {
  const teams = { platform: ['alice', 'bob'] };
  return {
    policies: [APPROVAL],
    run: buildRunInfo({
      id: 'r1',
      command: 'apply',
      env: { STACKFLEET_ACTOR: actor },
      userAtHost: 'u@h',
      teams,
      ...(plannedBy ? { plannedBy: { login: plannedBy, name: plannedBy, source: 'run', teams: [] } } : {}),
    }),
    teams,
    approvals,
  };
}

describe('evaluateStackGate', () => {
  it('asks only the policies that apply to the stack (labels), and sanitizes secrets out of the input', async () => {
    expect((await evaluateStackGate(context('alice'), stack('dev'), plan(['create'], ['create']), [])).decisions).toEqual([]);
    const result = await evaluateStackGate(context('alice'), stack('db', ['prod']), plan(['create'], ['create']), ['secret-value-1']);
    expect(result.verdict).toBe('awaiting_approval');
    expect(result.decisions.map((decision) => decision.message)[1]).not.toContain('secret-value-1');
  });

  it('is satisfied by an approval of the stack or the run from someone else than whoever planned it', async () => {
    const approval = (by: string, stackName: string | null): ApprovalRecord => ({ runId: 'r1', stack: stackName, by, at: '2026-01-01T00:00:00Z' });
    const db = stack('db', ['prod']);
    const twoCreates = plan(['create'], ['create']);
    expect((await evaluateStackGate(context('alice', [approval('alice', null)]), db, twoCreates, [])).verdict).toBe('awaiting_approval');
    expect((await evaluateStackGate(context('alice', [approval('bob', 'other')]), db, twoCreates, [])).verdict).toBe('awaiting_approval');
    expect((await evaluateStackGate(context('alice', [approval('bob', 'db')]), db, twoCreates, [])).verdict).toBe('allow');
    // Resumed by bob, planned by alice: bob's approval counts, it is not "his own run".
    expect((await evaluateStackGate(context('bob', [approval('bob', null)], 'alice'), db, twoCreates, [])).verdict).toBe('allow');
  });

  it('says who satisfied a require_approval decision, and nothing while it waits', async () => {
    const approval = (by: string): ApprovalRecord => ({ runId: 'r1', stack: null, by, at: '2026-01-01T00:00:00Z' });
    const db = stack('db', ['prod']);
    const twoCreates = plan(['create'], ['create']);
    const waiting = await evaluateStackGate(context('alice', [approval('alice')]), db, twoCreates, []);
    expect(waiting.decisions.find((decision) => decision.rule === 'big')).toEqual({ policy: 'approval', rule: 'big', effect: 'require_approval', message: 'total 2' });
    const approved = await evaluateStackGate(context('alice', [approval('carol'), approval('alice'), approval('bob')]), db, twoCreates, []);
    expect(approved.verdict).toBe('allow');
    expect(approved.decisions.find((decision) => decision.rule === 'big')?.approvedBy).toEqual(['bob', 'carol']);
    expect(approved.decisions.find((decision) => decision.rule === 'leak')).not.toHaveProperty('approvedBy');
  });

  it("counts the actor's yes at the prompt as the policy package says, and a rule it does not satisfy says why", async () => {
    const twoDbas = load(`kind: plan
rules:
  - name: two-dbas
    effect: require_approval
    when: "true"
    approvals: 2
    approvers: ["team:dba"]
    message: '"dba review"'
`);
    const anyone = load(`kind: plan
rules:
  - name: anyone
    effect: require_approval
    when: "true"
`);
    const approval = (by: string): ApprovalRecord => ({ runId: 'r1', stack: 'db', by, at: '2026-01-01T00:00:00Z' });
    const atPrompt = (policy: LoadedPolicy, approvals: ApprovalRecord[]): GateContext => ({
      ...context('alice', approvals),
      teams: { dba: ['carol', 'dave'] },
      policies: [policy],
      approvedAtPrompt: 'alice',
    });
    const db = stack('db');
    expect((await evaluateStackGate(atPrompt(anyone, [approval('alice')]), db, plan(['create']), [])).decisions).toEqual([
      { policy: 'p', rule: 'anyone', effect: 'require_approval', message: 'anyone', approvedBy: ['alice'] },
    ]);
    const short = await evaluateStackGate(atPrompt(twoDbas, [approval('alice'), approval('carol')]), db, plan(['create']), []);
    expect(short.verdict).toBe('awaiting_approval');
    expect(short.decisions[0]!.message).toBe("dba review (needs 2 approvals from team:dba, holds 1 (carol); alice's yes at the prompt counts for 0)");
    expect((await evaluateStackGate(atPrompt(twoDbas, [approval('alice'), approval('carol'), approval('dave')]), db, plan(['create']), [])).verdict).toBe('allow');
  });
});

describe('evaluateRunGate and evaluateAccessGate', () => {
  it('run policies see the planned stacks they apply to at once', async () => {
    const runPolicy = load(`kind: run
rules:
  - name: wide
    effect: deny
    when: size(input.stacks) > 1
    message: 'input.stacks.map(s, s.stack.name + "=" + string(int(s.changes.total))).join(" ")'
`);
    const result = await evaluateRunGate({ ...context('alice'), policies: [runPolicy] }, [
      { spec: stack('a'), plan: plan(['create']) },
      { spec: stack('b'), plan: plan(['update'], ['delete']) },
    ], []);
    expect(result).toMatchObject({ verdict: 'deny', decisions: [{ policy: 'p', rule: 'wide', effect: 'deny', message: 'a=1 b=2' }] });
  });

  it('gives the plans as the run policies saw them (sanitized), which judge the same again with the approvals given since', async () => {
    const signOff = load(`kind: run
rules:
  - name: sign-off
    effect: require_approval
    when: input.stacks.exists(s, s.changes.total > 0.0)
    message: 'input.stacks.map(s, s.stack.name + ":" + string(s.terraform.resource_changes[0].change.after.input)).join(" ")'
`);
    const specs = [stack('a'), stack('b')];
    const first = await evaluateRunGate({ ...context('alice'), policies: [signOff] }, specs.map((spec) => ({ spec, plan: plan(['create']) })), ['secret-value-1']);
    expect(first.verdict).toBe('awaiting_approval');
    expect(JSON.stringify(first.planned)).not.toContain('secret-value-1');
    const again = (approvals: ApprovalRecord[]) =>
      evaluatePlannedRunGate({ ...context('bob', approvals, 'alice'), policies: [signOff] }, specs.map((spec, index) => ({ spec, planned: first.planned[index]! })));
    const byAlice = await again([{ runId: 'r1', stack: null, by: 'alice', at: 't' }]);
    expect(byAlice).toMatchObject({ verdict: 'awaiting_approval', decisions: first.decisions });
    const byCarol = await again([{ runId: 'r1', stack: 'a', by: 'carol', at: 't' }, { runId: 'r1', stack: null, by: 'carol', at: 't' }]);
    expect(byCarol.verdict).toBe('allow');
    expect(byCarol.decisions[0]).toMatchObject({ message: first.decisions[0]!.message, approvedBy: ['carol'] });
  });

  it('judges a new plan beside plans as they saw them before (a stack planned again), in the order given', async () => {
    const deletes = load(`kind: run
rules:
  - name: total-deletes
    effect: deny
    when: input.stacks.map(s, s.changes.destroy).sum() > 2.0
    message: 'input.stacks.map(s, s.stack.name + "=" + string(int(s.changes.destroy))).join(" ")'
`);
    const first = await evaluateRunGate({ ...context('alice'), policies: [deletes] }, [
      { spec: stack('t1'), plan: plan(['delete'], ['delete']) },
      { spec: stack('t3'), plan: plan() },
    ], ['secret-value-1']);
    expect(first.verdict).toBe('allow');
    const again = await evaluateRunGate({ ...context('alice'), policies: [deletes] }, [
      { spec: stack('t1'), planned: first.planned[0]! },
      { spec: stack('t3'), plan: plan(['delete'], ['delete']) },
    ], ['secret-value-1']);
    expect(again).toMatchObject({ verdict: 'deny', decisions: [{ rule: 'total-deletes', message: 't1=2 t3=2' }] });
    expect(again.planned[0]).toBe(first.planned[0]);
    expect(JSON.stringify(again.planned)).not.toContain('secret-value-1');
  });

  it('access policies see the actor and the stacks, and fail closed on an evaluation error', async () => {
    const access = load(`kind: access
rules:
  - name: team-only
    effect: deny
    when: '!("platform" in input.run.actor.teams)'
    message: 'input.run.actor.login + " is not in platform"'
  - name: broken
    effect: warn
    when: input.nope.deeper == 1
`);
    const carol = await evaluateAccessGate({ ...context('carol'), policies: [access] }, [stack('a')]);
    expect(carol.verdict).toBe('deny');
    expect(carol.decisions.map((decision) => decision.message)).toEqual(['carol is not in platform', expect.stringContaining('nope')]);
    const alice = await evaluateAccessGate({ ...context('alice'), policies: [access] }, [stack('a')]);
    expect(alice.decisions.map((decision) => decision.effect)).toEqual(['deny']);
  });
});

describe('buildApprovalRecords', () => {
  const request = { runId: 'r1', runStacks: ['db-main', 'db-replica', 'app'], by: 'bob', at: 't' };
  it('approves the whole run, or the stacks a glob matches', () => {
    expect(buildApprovalRecords(request)).toEqual([{ runId: 'r1', stack: null, by: 'bob', at: 't' }]);
    expect(buildApprovalRecords({ ...request, stackGlobs: ['db-*'], comment: 'ok' }).map((record) => [record.stack, record.comment])).toEqual([
      ['db-main', 'ok'],
      ['db-replica', 'ok'],
    ]);
  });
  it('approves the stacks any of several globs match, each once, in run order', () => {
    expect(buildApprovalRecords({ ...request, stackGlobs: ['app', 'db-main', 'db-*'] }).map((record) => record.stack)).toEqual(['db-main', 'db-replica', 'app']);
  });
  it('refuses a glob that matches no stack of the run, even beside globs that do', () => {
    expect(() => buildApprovalRecords({ ...request, stackGlobs: ['nope*'] })).toThrow('--stack nope* matches no stack of run r1');
    expect(() => buildApprovalRecords({ ...request, stackGlobs: ['app', 'nope*'] })).toThrow('--stack nope* matches no stack of run r1');
  });
});

describe('toPolicyApprovals', () => {
  it("gives each approval the manifest's teams of its approver and the teams it brings (a reviewer's GitHub teams)", () => {
    const approvals: ApprovalRecord[] = [
      { runId: 'r', stack: null, by: 'bob', at: '2026-01-01T00:00:00Z', teams: ['sre', 'platform'] },
      { runId: 'r', stack: 'other', by: 'carol', at: '2026-01-01T00:00:00Z' },
    ];
    expect(toPolicyApprovals({ approvals, teams: { platform: ['bob'], dba: ['bob'] } }, 'db')).toEqual([
      { by: 'bob', at: '2026-01-01T00:00:00Z', teams: ['dba', 'platform', 'sre'] },
    ]);
  });
});

describe('logins compared without regard to case', () => {
  const approval = (by: string, stackName: string | null = 'db'): ApprovalRecord => ({ runId: 'r1', stack: stackName, by, at: '2026-01-01T00:00:00Z' });
  const rules = (text: string): GateContext => ({ ...context('alice'), teams: { dba: ['bob', 'carol'] }, policies: [load(`kind: plan\nrules:\n${text}`)] });
  const judge = async (base: GateContext, approvals: ApprovalRecord[]) => evaluateStackGate({ ...base, approvals }, stack('db'), plan(['create']), []);
  const anyone = rules(`  - name: anyone\n    effect: require_approval\n    when: "true"\n    approvals: 2\n`);

  it("does not count Alice's or ALICE's approval of alice's run (default approvers), nor that of the planner in another case", async () => {
    expect((await judge(anyone, [approval('Alice'), approval('ALICE')])).decisions[0]).not.toHaveProperty('approvedBy');
    const resumed: GateContext = { ...anyone, run: { ...anyone.run, actor: { ...anyone.run.actor, login: 'bob' }, plannedBy: { login: 'Alice', name: 'Alice', source: 'run', teams: [] } } };
    expect((await judge(resumed, [approval('alice'), approval('bob'), approval('carol')])).decisions[0]?.approvedBy).toEqual(['bob', 'carol']);
  });

  it('counts Bob and bob as one approver, shown as first given', async () => {
    expect((await judge(anyone, [approval('Bob'), approval('bob')])).verdict).toBe('awaiting_approval');
    expect((await judge(anyone, [approval('Bob'), approval('bob', null), approval('Carol')])).decisions[0]?.approvedBy).toEqual(['Bob', 'Carol']);
  });

  it('matches logins in approvers and in the teams of the manifest whatever their case', async () => {
    const named = rules(`  - name: named\n    effect: require_approval\n    when: "true"\n    approvers: [Dave]\n`);
    expect((await judge(named, [approval('dave')])).decisions[0]?.approvedBy).toEqual(['dave']);
    const dbas = rules(`  - name: dbas\n    effect: require_approval\n    when: "true"\n    approvals: 2\n    approvers: ["team:dba"]\n`);
    expect((await judge(dbas, [approval('Bob'), approval('CAROL')])).decisions[0]?.approvedBy).toEqual(['Bob', 'CAROL']);
    expect(toPolicyApprovals({ approvals: [approval('CAROL')], teams: { dba: ['bob', 'carol'] } }, 'db')[0]?.teams).toEqual(['dba']);
    expect(buildRunInfo({ id: 'r', command: 'apply', env: { STACKFLEET_ACTOR: 'Bob' }, userAtHost: 'u@h', teams: { dba: ['bob'] } }).actor).toMatchObject({ login: 'Bob', teams: ['dba'] });
  });
});

describe('approval comments in the input', () => {
  const SECRET = 'hunter2-secret-value';
  const seen: string[] = [];
  const recorder = load(`kind: plan
engine: exec
command: record
`);
  const runRecorder = load(`kind: run
engine: exec
command: record
`);
  const recording: GateContext['evaluate'] = {
    runCommand: async (request) => {
      seen.push(request.stdin);
      return { exitCode: 0, stdout: '{}', stderr: '', timedOut: false };
    },
  };
  const approvals: ApprovalRecord[] = [{ runId: 'r1', stack: null, by: 'bob', at: '2026-01-01T00:00:00Z', comment: `pw is ${SECRET}` }];

  it('reach plan and run policies sanitized like the plans: a comment holding a secret is its <sensitive:…> form', async () => {
    seen.length = 0;
    const base: GateContext = { ...context('alice', approvals), evaluate: recording };
    await evaluateStackGate({ ...base, policies: [recorder] }, stack('db'), plan(['create']), [SECRET]);
    await evaluateRunGate({ ...base, policies: [runRecorder] }, [{ spec: stack('db'), plan: plan(['create']) }], [SECRET]);
    expect(seen).toHaveLength(2);
    for (const stdin of seen) {
      expect(stdin).not.toContain(SECRET);
      expect((JSON.parse(stdin) as { approvals: { by: string; comment: string }[] }).approvals).toEqual([
        expect.objectContaining({ by: 'bob', comment: expect.stringMatching(/^<sensitive:[0-9a-f]{12}>$/) }),
      ]);
    }
  });
});
