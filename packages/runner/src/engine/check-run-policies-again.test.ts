import type { Manifest, PolicyCheck, PolicyGate, RunPolicyStack, SavedPlanRecord, StackPlanEvidence } from '@stackfleet/core';
import { MemoryStore } from '@stackfleet/test-utils';
import { describe, expect, it } from 'vitest';
import { createCommandAdapter } from '../stack-runner/command-adapter.js';
import { checkRunPoliciesAgain } from './check-run-policies-again.js';
import { createEngineRun } from './engine-run.js';
import type { RunOptions, SavedPlanApply } from './types.js';

const manifest = { version: 1, source: 'stacks.yaml', repos: {}, settings: { stateDir: '.sf', limits: {} }, variables: {}, contexts: {}, stacks: {}, policies: [], teams: {} } as unknown as Manifest;
const evidence = (deletes: number): StackPlanEvidence => ({ runner: 'terraform', show: { resource_changes: Array.from({ length: deletes }, () => ({ change: { actions: ['delete'] } })) } });
const record = (stack: string, hasChanges: boolean): SavedPlanRecord => ({
  runId: 'plan-1', stack, runner: 'terraform', hasChanges, repo: '', repoSha: '', salt: 's', digests: {}, createdAt: 't',
});

/** A gate that records the sets it is asked about and answers `answer`. */
function createRecordingGate(answer: PolicyCheck, judgesRuns = true): PolicyGate & { sets: RunPolicyStack[][] } {
  const sets: RunPolicyStack[][] = [];
  const allow: PolicyCheck = { verdict: 'allow', decisions: [] };
  return { sets, judgesRuns, checkAccess: async () => allow, checkStack: async () => allow, checkRun: async ({ stacks }) => (sets.push([...stacks]), answer) };
}

function createApplyRun(gate: PolicyGate, fromPlan: Omit<SavedPlanApply, 'runId' | 'approveChangedPlan'>, extra: Partial<RunOptions> = {}) {
  const adapter = createCommandAdapter();
  const options: RunOptions = {
    runId: 'apply-1', manifest, manifestDir: '/x', repoDirs: {}, stateDir: '/x/.sf', env: {}, store: new MemoryStore(),
    adapters: { command: adapter, terraform: adapter, tofu: adapter }, reporters: [], policyGate: gate,
    fromPlan: { runId: 'plan-1', approveChangedPlan: () => true, ...fromPlan }, ...extra,
  };
  const planned = ['t1', 't2', 't3'].map((name) => ({ name, needs: [], reason: 'saved plan', onlyAsDependent: false }));
  return createEngineRun('apply', planned, options);
}

const deny: PolicyCheck = { verdict: 'deny', decisions: [{ policy: 'total', rule: 'total-deletes', effect: 'deny', message: 'the run deletes 4 resources' }] };
const judged = (stack: string, deletes: number) => [stack, { runId: 'plan-1', plan: evidence(deletes), secrets: [], check: { verdict: 'allow' as const, decisions: [] } }] as const;

describe('checkRunPoliciesAgain', () => {
  it("judges the plan run's plans with the new one in its place, in run order; a deny ends the stack denied with the run policy's message", async () => {
    const gate = createRecordingGate(deny);
    const run = createApplyRun(gate, { plans: new Map([['t1', record('t1', true)], ['t3', record('t3', false)]]), judgedPlans: new Map([judged('t1', 2)]) });
    run.planEvidence.set('t3', { plan: evidence(2), secrets: [] });
    const stop = await checkRunPoliciesAgain(run, 't3', {}, () => {});
    expect(gate.sets).toEqual([[{ stack: 't1', plan: evidence(2) }, { stack: 't3', plan: evidence(2) }]]);
    expect(stop).toEqual({ status: 'denied', reason: 'denied by run policy: the run deletes 4 resources', messages: ['the run deletes 4 resources'] });
    expect(await run.options.store.listPolicyDecisions('apply-1')).toMatchObject([{ stack: null, effect: 'deny', message: 'the run deletes 4 resources' }]);
  });

  it('takes the plans kept with the run when none were judged in this process, those applied before a resume included', async () => {
    const gate = createRecordingGate({ verdict: 'allow', decisions: [] });
    const kept = { changes: { destroy: 2 } };
    const run = createApplyRun(gate, { plans: new Map([['t1', record('t1', true)], ['t3', record('t3', true)]]) });
    await run.options.store.putRunPolicyPlans({ runId: 'plan-1', awaiting: false, at: 't', plans: [{ stack: 't1', plan: kept }, { stack: 't3', plan: kept }] });
    run.planEvidence.set('t3', { plan: evidence(1), secrets: [] });
    expect(await checkRunPoliciesAgain(run, 't3', {}, () => {})).toBeUndefined();
    expect(gate.sets).toEqual([[{ stack: 't1', kept }, { stack: 't3', plan: evidence(1) }]]);

    // A resumed apply: t0 and t1 were applied by its first attempt (their saved plans are gone), t3 is planned again.
    const resumedGate = createRecordingGate(deny);
    const resumed = createApplyRun(resumedGate, { plans: new Map([['t3', record('t3', true)]]) }, { alreadyDone: new Map([['t1', 'succeeded']]) });
    const t0 = { changes: { destroy: 1 } };
    await resumed.options.store.putRunPolicyPlans({ runId: 'plan-1', awaiting: false, at: 't', plans: [{ stack: 't0', plan: t0 }, { stack: 't1', plan: kept }, { stack: 't3', plan: kept }] });
    resumed.planEvidence.set('t3', { plan: evidence(2), secrets: [] });
    expect(await checkRunPoliciesAgain(resumed, 't3', {}, () => {})).toMatchObject({ status: 'denied' });
    expect(resumedGate.sets).toEqual([[{ stack: 't1', kept }, { stack: 't3', plan: evidence(2) }, { stack: 't0', kept: t0 }]]);
  });

  it('fails closed when a saved plan with changes is held nowhere (planned by an older stackfleet)', async () => {
    const lines: string[] = [];
    const gate = createRecordingGate({ verdict: 'allow', decisions: [] });
    const short = createApplyRun(gate, { plans: new Map([['t1', record('t1', true)], ['t3', record('t3', false)]]) });
    short.planEvidence.set('t3', { plan: evidence(1), secrets: [] });
    expect(await checkRunPoliciesAgain(short, 't3', {}, (line) => lines.push(line))).toMatchObject({ status: 'denied' });
    // Kept for some stacks only: still short.
    const partly = createApplyRun(gate, { plans: new Map([['t1', record('t1', true)], ['t2', record('t2', true)]]) });
    await partly.options.store.putRunPolicyPlans({ runId: 'plan-1', awaiting: false, at: 't', plans: [{ stack: 't1', plan: { changes: {} } }] });
    partly.planEvidence.set('t3', { plan: evidence(1), secrets: [] });
    expect(await checkRunPoliciesAgain(partly, 't3', {}, (line) => lines.push(line))).toMatchObject({ status: 'denied' });
    expect(gate.sets).toEqual([]);
    expect(lines[0]).toMatch(/^stackfleet: run policies cannot judge the new plan of t3: the plans they judged in run plan-1 are not all kept/);
  });

  it('asks nothing when no run policy could judge', async () => {
    const gate = createRecordingGate(deny, false);
    const run = createApplyRun(gate, { plans: new Map([['t1', record('t1', true)]]) });
    run.planEvidence.set('t3', { plan: evidence(2), secrets: [] });
    expect(await checkRunPoliciesAgain(run, 't3', {}, () => {})).toBeUndefined();
    expect(gate.sets).toEqual([]);
  });
});
