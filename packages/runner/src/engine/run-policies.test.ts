import type { Manifest, PolicyCheck, PolicyGate, RunEvent, StackSpec, StackStatus } from '@stackfleet/core';
import { MemoryStore, createTempDir, writeCommandFleet, type TempDir } from '@stackfleet/test-utils';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFingerprintCache, type FingerprintCache } from '../saved-plans/fingerprint-stack.js';
import { createCommandAdapter } from '../stack-runner/command-adapter.js';
import { runStacks } from './run-stacks.js';
import type { SavedPlanApply } from './types.js';

const temps: TempDir[] = [];
afterEach(async () => {
  await Promise.all(temps.splice(0).map((temp) => temp.cleanup()));
});

const allow: PolicyCheck = { verdict: 'allow', decisions: [] };

/** A gate that answers from a table (a real PolicyGate; the policy package's evaluation is tested there). */
function createTableGate(answers: { access?: PolicyCheck; stacks?: Record<string, PolicyCheck>; run?: PolicyCheck }): PolicyGate & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    checkAccess: async ({ stacks }) => (asked.push(`access ${stacks.join(',')}`), answers.access ?? allow),
    checkStack: async ({ stack, plan }) => (asked.push(`stack ${stack} ${JSON.stringify(plan)}`), answers.stacks?.[stack] ?? allow),
    checkRun: async ({ stacks }) => (asked.push(`run ${stacks.map((entry) => entry.stack).join(',')}`), answers.run ?? allow),
  };
}

/** How a test chains runs over the same fleet and store (plan --save, then apply --from-plan). */
interface FleetRun {
  temp?: TempDir;
  store?: MemoryStore;
  runId?: string;
  savePlans?: boolean;
  fromPlan?: (store: MemoryStore) => Promise<SavedPlanApply>;
  /** Resume: stacks an earlier attempt of the run finished. */
  alreadyDone?: Map<string, StackStatus>;
  /** Shared by the plan run and the apply run of one `apply --auto-approve`. */
  fingerprintCache?: FingerprintCache;
  /** The run's Ctrl-C. */
  signal?: AbortSignal;
  /** More of the orchestrator's environment. */
  env?: Record<string, string>;
}

/** a -> b -> c, and d alone: real sh stacks whose plans report changes. */
async function runFleet(command: 'plan' | 'apply', gate: PolicyGate, chain: FleetRun = {}) {
  const temp = chain.temp ?? (await createTempDir('sf-policies-'));
  if (chain.temp === undefined) {
    temps.push(temp);
    const stacks = { a: {}, b: { dependsOn: ['a'] }, c: { dependsOn: ['b'] }, d: {} };
    await writeCommandFleet(temp.path, { stacks });
  }
  const runId = chain.runId ?? 'r1';
  const spec = (name: string, dependsOn: string[]): StackSpec => ({
    name, path: `stacks/${name}`, runner: 'command', labels: [], contexts: [], vars: {}, env: {}, secrets: {}, files: {}, hooks: {}, watch: [],
    dependsOn: dependsOn.map((stack) => ({ stack, outputs: {} })), after: [], commands: { plan: './stack.sh', apply: './stack.sh' },
    retries: { attempts: 1, on: [], backoffMs: 10 },
  });
  const manifest: Manifest = {
    version: 1, source: 'stacks.yaml', repos: {}, settings: { stateDir: '.stackfleet', limits: {} }, variables: {}, contexts: {},
    stacks: { a: spec('a', []), b: spec('b', ['a']), c: spec('c', ['b']), d: spec('d', []) }, policies: [], teams: {},
  };
  const store = chain.store ?? new MemoryStore();
  const events: RunEvent[] = [];
  const plan = {
    command,
    stacks: [
      { name: 'a', needs: [], reason: 'selected', onlyAsDependent: false },
      { name: 'd', needs: [], reason: 'selected', onlyAsDependent: false },
      { name: 'b', needs: ['a'], reason: 'selected', onlyAsDependent: false },
      { name: 'c', needs: ['b'], reason: 'selected', onlyAsDependent: false },
    ],
    concurrency: 1,
    limits: {},
    failFast: false,
  };
  if (chain.alreadyDone === undefined) await store.createRun({ id: runId, command, selection: {}, stacks: ['a', 'd', 'b', 'c'], startedBy: 't', host: 'h', pid: 1, repoShas: {}, manifestPath: 'stacks.yaml', startedAt: new Date(0).toISOString(), status: 'running' });
  const result = await runStacks(plan, {
    runId, manifest, manifestDir: temp.path, repoDirs: {}, stateDir: join(temp.path, '.stackfleet'),
    env: { PATH: process.env.PATH, STACK_SECRET: 'x', ...chain.env }, store,
    adapters: { command: createCommandAdapter(), terraform: createCommandAdapter(), tofu: createCommandAdapter() },
    reporters: [{ onEvent: (event) => events.push(event) }],
    policyGate: gate,
    ...(chain.savePlans ? { savePlans: true } : {}),
    ...(chain.fromPlan ? { fromPlan: await chain.fromPlan(store) } : {}),
    ...(chain.alreadyDone ? { alreadyDone: chain.alreadyDone } : {}),
    ...(chain.fingerprintCache ? { fingerprintCache: chain.fingerprintCache } : {}),
    ...(chain.signal ? { signal: chain.signal } : {}),
  });
  const finished = (stack: string) => events.find((event) => event.type === 'stack.finished' && event.stack === stack);
  return { result, events, finished, store, temp };
}

describe('runStacks with a policy gate', () => {
  it('Ctrl-C during a check: the gate gets the signal, and a check it stops ends the stack interrupted, not denied', async () => {
    const interrupt = new AbortController();
    // What the CLI's gate does with an exec policy: its command stops on the signal, and the check throws.
    const stopped = async ({ signal }: { signal?: AbortSignal }): Promise<PolicyCheck> => {
      interrupt.abort(new Error('interrupted'));
      if (signal?.aborted) throw new Error('exec policy p was stopped before it decided');
      return { verdict: 'deny', decisions: [{ policy: 'p', rule: 'exec', effect: 'deny', message: 'evaluation failed: command exited with a signal' }] };
    };
    const gate: PolicyGate = { checkAccess: async () => allow, checkStack: stopped, checkRun: stopped };
    const apply = await runFleet('apply', gate, { signal: interrupt.signal });
    expect(apply.result.status).toBe('interrupted');
    expect(apply.finished('a')).toMatchObject({ status: 'interrupted', reason: 'exec policy p was stopped before it decided' });
    expect(apply.events.filter((event) => event.type === 'policy.evaluated')).toEqual([]);

    // A run policy stopped the same way: the plan run ends interrupted, neither denied nor awaiting approval.
    const runOnly = new AbortController();
    const runGate: PolicyGate = {
      checkAccess: async () => allow,
      checkStack: async () => allow,
      checkRun: async ({ signal }) => {
        runOnly.abort(new Error('interrupted'));
        if (signal?.aborted) throw new Error('exec policy r was stopped before it decided');
        return allow;
      },
    };
    const plan = await runFleet('plan', runGate, { signal: runOnly.signal });
    expect(plan.result).toMatchObject({ status: 'interrupted' });
    expect(plan.result).not.toHaveProperty('runDenied');
  });

  it("masks a secret in a decision's rule as in its message (an exec policy prints its rule names): in the events and the store", async () => {
    const secret = 'token-value-7f3a9';
    const deny: PolicyCheck = { verdict: 'deny', decisions: [{ policy: 'p', rule: `r-${secret}`, effect: 'deny', message: `saw ${secret}` }] };
    const { events, store } = await runFleet('apply', createTableGate({ stacks: { b: deny } }), { env: { STACKFLEET_E2E_TOKEN: secret } });
    expect(events.filter((event) => event.type === 'policy.evaluated')).toEqual([
      expect.objectContaining({ stack: 'b', policy: 'p', rule: 'r-***', message: 'saw ***' }),
    ]);
    expect(await store.listPolicyDecisions('r1')).toEqual([expect.objectContaining({ stack: 'b', rule: 'r-***', message: 'saw ***' })]);
    expect(JSON.stringify(events)).not.toContain(secret);
  });

  it('apply: a denied stack is not applied and its dependents are skipped; others go on; the run is denied', async () => {
    const deny: PolicyCheck = { verdict: 'deny', decisions: [{ policy: 'p', rule: 'r', effect: 'deny', message: 'no b' }] };
    const gate = createTableGate({ stacks: { b: deny } });
    const { result, finished, events, store } = await runFleet('apply', gate);
    expect(result.status).toBe('denied');
    expect(finished('b')).toMatchObject({ status: 'denied', reason: 'denied by policy: no b', messages: ['no b'] });
    expect(finished('c')).toMatchObject({ status: 'skipped', reason: 'dependency b was denied by policy' });
    expect(finished('a')).toMatchObject({ status: 'succeeded' });
    expect(finished('d')).toMatchObject({ status: 'succeeded' });
    expect(events.filter((event) => event.type === 'policy.evaluated')).toEqual([
      expect.objectContaining({ stack: 'b', policy: 'p', rule: 'r', effect: 'deny', message: 'no b' }),
    ]);
    expect(await store.listPolicyDecisions('r1')).toEqual([expect.objectContaining({ runId: 'r1', stack: 'b', message: 'no b' })]);
    // The command stacks' plans stand for "changes" (exit 2) to policies.
    expect(gate.asked).toContain('stack a {"runner":"command","exitCode":2}');
    // No run policies during an apply (its stacks are planned and applied one by one).
    expect(gate.asked.some((line) => line.startsWith('run '))).toBe(false);
  });

  it('apply: awaiting approval stops the stack; a warning does not; the run awaits approval', async () => {
    const pending: PolicyCheck = { verdict: 'awaiting_approval', decisions: [{ policy: 'p', rule: 'big', effect: 'require_approval', message: 'big' }] };
    const warn: PolicyCheck = { verdict: 'allow', decisions: [{ policy: 'p', rule: 'w', effect: 'warn', message: 'careful' }] };
    const { result, finished } = await runFleet('apply', createTableGate({ stacks: { a: pending, d: warn } }));
    expect(result.status).toBe('awaiting_approval');
    expect(result.summary).toMatchObject({ awaitingApproval: 1, skipped: 2, succeeded: 1 });
    expect(finished('a')).toMatchObject({ status: 'awaiting_approval', messages: ['big'] });
    expect(finished('b')).toMatchObject({ status: 'skipped', reason: 'dependency a is awaiting approval' });
    expect(finished('d')).toMatchObject({ status: 'succeeded' });
  });

  it('an access deny starts no stack, skips them all and denies the run', async () => {
    const gate = createTableGate({ access: { verdict: 'deny', decisions: [{ policy: 'acl', rule: 'who', effect: 'deny', message: 'not you' }] } });
    const { result, events } = await runFleet('apply', gate);
    expect(result.status).toBe('denied');
    expect(events.some((event) => event.type === 'stack.started')).toBe(false);
    expect(events.filter((event) => event.type === 'stack.finished').map((event) => event.type === 'stack.finished' && event.reason)).toEqual(
      Array(4).fill('run denied by access policy: not you'),
    );
    expect(gate.asked).toEqual(['access a,d,b,c']);
  });

  it('plan: run policies see every planned stack once; their deny denies the run; dependents of a denied plan still plan', async () => {
    const gate = createTableGate({
      stacks: { a: { verdict: 'deny', decisions: [{ policy: 'p', rule: 'r', effect: 'deny', message: 'no a' }] } },
      run: { verdict: 'allow', decisions: [{ policy: 'fleet', rule: 'size', effect: 'warn', message: '4 stacks' }] },
    });
    const { result, finished, events } = await runFleet('plan', gate);
    expect(result.status).toBe('denied');
    expect(finished('a')).toMatchObject({ status: 'denied' });
    expect(finished('c')).toMatchObject({ status: 'changed' });
    expect(gate.asked.filter((line) => line.startsWith('run '))).toEqual(['run a,d,b,c']);
    const runDecision = events.find((event) => event.type === 'policy.evaluated' && event.rule === 'size');
    expect(runDecision).toBeDefined();
    expect(runDecision).not.toHaveProperty('stack');
  });

  it('apply --from-plan: plan policies judge each saved plan before it is applied; one awaiting approval keeps its saved plan', async () => {
    const saved = await runFleet('plan', createTableGate({}), { savePlans: true, runId: 'p1' });
    expect(saved.result.status).toBe('succeeded');
    const pending: PolicyCheck = { verdict: 'awaiting_approval', decisions: [{ policy: 'p', rule: 'big', effect: 'require_approval', message: 'big' }] };
    const gate = createTableGate({ stacks: { b: pending } });
    const { result, finished } = await runFleet('apply', gate, {
      temp: saved.temp,
      store: saved.store,
      runId: 'r2',
      fromPlan: async (store) => ({
        runId: 'p1',
        plans: new Map((await store.listSavedPlans('p1')).map((record) => [record.stack, record])),
        approveChangedPlan: () => false,
      }),
    });
    expect(result.status).toBe('awaiting_approval');
    expect(finished('a')).toMatchObject({ status: 'succeeded' });
    expect(finished('b')).toMatchObject({ status: 'awaiting_approval', messages: ['big'] });
    expect(finished('c')).toMatchObject({ status: 'skipped', reason: 'dependency b is awaiting approval' });
    expect(gate.asked).toContain('stack b {"runner":"command","exitCode":2}');
    // Applied plans are gone; b's stays for `approve` + `resume`, c's was never reached.
    expect((await saved.store.listSavedPlans('p1')).map((record) => record.stack).sort()).toEqual(['b', 'c']);
  });

  it('apply after a plan run in the same process: a check that stands is reported again, not evaluated; one that does not is evaluated', async () => {
    const cache = createFingerprintCache();
    const warn: PolicyCheck = { verdict: 'allow', decisions: [{ policy: 'p', rule: 'w', effect: 'warn', message: 'careful' }] };
    const deny: PolicyCheck = { verdict: 'deny', decisions: [{ policy: 'p', rule: 'r', effect: 'deny', message: 'no d' }] };
    const note: PolicyCheck = { verdict: 'allow', decisions: [{ policy: 'p', rule: 'n', effect: 'warn', message: 'noted' }] };
    const saved = await runFleet('plan', createTableGate({ stacks: { a: warn, c: note, d: deny } }), { savePlans: true, runId: 'p1', fingerprintCache: cache });
    expect(saved.result.status).toBe('denied');
    const fromPlan = async (store: MemoryStore): Promise<SavedPlanApply> => ({
      runId: 'p1',
      plans: new Map((await store.listSavedPlans('p1')).map((record) => [record.stack, record])),
      approveChangedPlan: () => false,
    });
    // b's check (no decision) does not stand for this run (the gate says so): b alone is asked again, and what it says now counts.
    const gate = { ...createTableGate({ stacks: { b: warn } }), standsForThisRun: (check: PolicyCheck) => check.decisions.length > 0 };
    const { result, finished, events, store } = await runFleet('apply', gate, { temp: saved.temp, store: saved.store, runId: 'r2', fromPlan, fingerprintCache: cache });
    expect(gate.asked).toEqual(['access a,d,b,c', 'stack b {"runner":"command","exitCode":2}']);
    expect(result.status).toBe('denied');
    expect(finished('a')).toMatchObject({ status: 'succeeded' });
    expect(finished('d')).toMatchObject({ status: 'denied', messages: ['no d'] });
    expect(finished('c')).toMatchObject({ status: 'succeeded' });
    // Reported in the apply run as if evaluated there: events and stored decisions under its own id.
    const decisions = events.filter((event) => event.type === 'policy.evaluated').map((event) => event.type === 'policy.evaluated' && `${event.runId} ${event.stack} ${event.message}`);
    expect(decisions.sort()).toEqual(['r2 a careful', 'r2 b careful', 'r2 c noted', 'r2 d no d']);
    expect((await store.listPolicyDecisions('r2')).map((decision) => `${decision.stack} ${decision.message}`).sort()).toEqual(['a careful', 'b careful', 'c noted', 'd no d']);
  });

  it('resume: a stack denied before keeps its dependents skipped while an approved one goes on', async () => {
    const deny: PolicyCheck = { verdict: 'deny', decisions: [{ policy: 'p', rule: 'r', effect: 'deny', message: 'no b' }] };
    const first = await runFleet('apply', createTableGate({ stacks: { b: deny, d: { verdict: 'awaiting_approval', decisions: [] } } }));
    expect(first.result.status).toBe('denied');
    const gate = createTableGate({});
    const { result, finished } = await runFleet('apply', gate, {
      temp: first.temp,
      store: first.store,
      alreadyDone: new Map<string, StackStatus>([['a', 'succeeded'], ['b', 'denied']]),
    });
    expect(finished('d')).toMatchObject({ status: 'succeeded' });
    // b's record stands (no event of its own); c still waits behind it.
    expect(finished('b')).toBeUndefined();
    expect(finished('c')).toMatchObject({ status: 'skipped', reason: 'dependency b was denied by policy' });
    expect(result.stacks.get('b')).toMatchObject({ status: 'denied' });
    expect(result.status).toBe('denied');
    expect(gate.asked.filter((line) => line.startsWith('stack '))).toEqual(['stack d {"runner":"command","exitCode":2}']);
  });
});
