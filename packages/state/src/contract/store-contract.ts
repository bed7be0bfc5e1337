/**
 * The behaviour every Store implementation must have, as a vitest suite
 * parameterised by a factory. SQLite runs it in `sqlite-store.test.ts`; the
 * PostgreSQL store will call `describeStoreContract('postgres', ...)` the same way
 * (import it from `@stackfleet/state/contract`, which points at this source
 * file: it is excluded from the tsc build so `dist` never depends on vitest).
 *
 * Lock holders here use hosts under `.invalid` so that no implementation can
 * consider them "this host" and probe their pids.
 */
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DriftRecord, LockHolder, RunHeader, RunRecord, StackRunRecord, Store } from '@stackfleet/core';
import { at, iso } from './contract-clock.js';
import { describeSavedPlansContract } from './saved-plans-contract.js';

export interface StoreUnderTest {
  store: Store;
  cleanup: () => Promise<void>;
}


function makeRun(id: string, offsetMs: number, overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    id,
    command: 'apply',
    selection: { stack: ['app*'], label: [] },
    stacks: ['network', 'app'],
    startedBy: 'ada@ci-1',
    host: 'ci-1.contract.invalid',
    pid: 4242,
    repoShas: { '': 'a'.repeat(40), platform: 'b'.repeat(40) },
    manifestPath: '/fleet/stacks.yaml',
    startedAt: iso(offsetMs),
    status: 'running',
    ...overrides,
  };
}

const alice: LockHolder = { host: 'alice.contract.invalid', pid: 101, runId: 'run-alice' };
const bob: LockHolder = { host: 'bob.contract.invalid', pid: 202, runId: 'run-bob' };

export function describeStoreContract(label: string, createStore: () => Promise<StoreUnderTest>): void {
  describe(`Store contract: ${label}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ store, cleanup } = await createStore());
    });
    afterEach(async () => {
      await cleanup();
    });

    describe('outputs', () => {
      it('returns undefined for a stack that never had outputs', async () => {
        expect(await store.getOutputs('network')).toBeUndefined();
      });

      it('round-trips values of every JSON type with their sensitive flags', async () => {
        const outputs = {
          vpc_id: { value: 'vpc-123', sensitive: false },
          count: { value: 3, sensitive: false },
          tags: { value: { env: 'prod', list: [1, 'two', null, true] }, sensitive: false },
          db_password: { value: 's3cr3t-value', sensitive: true },
          db_config: { value: { user: 'admin', port: 5432 }, sensitive: true },
          nothing: { value: null, sensitive: true },
        };
        await store.setOutputs('network', outputs, 'run-1');
        const stored = await store.getOutputs('network');
        expect(stored).toMatchObject({ stack: 'network', runId: 'run-1', outputs });
        expect(Object.keys(stored?.outputs ?? {}).sort()).toEqual(Object.keys(outputs).sort());
        expect(Number.isNaN(Date.parse(stored?.updatedAt ?? ''))).toBe(false);
      });

      it('replaces the whole set on overwrite, including the sensitive flag', async () => {
        await store.setOutputs('network', { a: { value: 1, sensitive: false }, b: { value: 'x', sensitive: true } }, 'run-1');
        await store.setOutputs('network', { a: { value: 'now-secret', sensitive: true } }, 'run-2');
        expect(await store.getOutputs('network')).toMatchObject({
          runId: 'run-2',
          outputs: { a: { value: 'now-secret', sensitive: true } },
        });
        expect(Object.keys((await store.getOutputs('network'))?.outputs ?? {})).toEqual(['a']);
      });

      it('keeps an empty output set distinct from no outputs, and stacks apart', async () => {
        await store.setOutputs('network', {}, 'run-1');
        await store.setOutputs('app', { url: { value: 'https://app', sensitive: false } }, 'run-1');
        expect((await store.getOutputs('network'))?.outputs).toEqual({});
        await store.deleteOutputs('network');
        expect(await store.getOutputs('network')).toBeUndefined();
        expect((await store.getOutputs('app'))?.outputs).toEqual({ url: { value: 'https://app', sensitive: false } });
      });
    });

    describe('runs', () => {
      it('creates, reads back and finishes a run', async () => {
        const run = makeRun('run-1', 0);
        await store.createRun(run);
        expect(await store.getRun('run-1')).toEqual(run);
        expect(await store.getRun('run-unknown')).toBeUndefined();
        await store.finishRun('run-1', 'succeeded', iso(5000));
        expect(await store.getRun('run-1')).toEqual({ ...run, status: 'succeeded', finishedAt: iso(5000) });
      });

      it('lists newest first by start time, filters by exact stack name, limits', async () => {
        await store.createRun(makeRun('run-b', 2000, { stacks: ['app'] }));
        await store.createRun(makeRun('run-a', 1000, { stacks: ['network', 'app2'] }));
        await store.createRun(makeRun('run-c', 3000, { stacks: ['network'] }));
        const ids = async (options?: { stack?: string; limit?: number }): Promise<string[]> =>
          (await store.listRuns(options)).map((run) => run.id);
        expect(await ids()).toEqual(['run-c', 'run-b', 'run-a']);
        expect(await ids({ stack: 'app' })).toEqual(['run-b']);
        expect(await ids({ stack: 'network' })).toEqual(['run-c', 'run-a']);
        expect(await ids({ limit: 2 })).toEqual(['run-c', 'run-b']);
        expect(await ids({ stack: 'network', limit: 1 })).toEqual(['run-c']);
        expect(await ids({ stack: 'nope' })).toEqual([]);
      });

      it('finds the newest interrupted run to resume and ignores finished ones', async () => {
        expect(await store.findResumableRun()).toBeUndefined();
        await store.createRun(makeRun('run-old', 1000, { status: 'interrupted' }));
        await store.createRun(makeRun('run-new', 2000, { status: 'interrupted' }));
        await store.createRun(makeRun('run-done', 3000, { status: 'succeeded', finishedAt: iso(3500) }));
        await store.createRun(makeRun('run-failed', 4000, { status: 'failed', finishedAt: iso(4500) }));
        expect((await store.findResumableRun())?.id).toBe('run-new');
        await store.finishRun('run-new', 'succeeded', iso(6000));
        expect((await store.findResumableRun())?.id).toBe('run-old');
      });

      it('reads a running run whose process is gone (this host, dead pid) as crashed, and resumes it', async () => {
        // A process that ran and exited: its pid is provably gone.
        const deadPid = spawnSync(process.execPath, ['-e', '']).pid;
        await store.createRun(makeRun('run-alive', 1000, { host: hostname(), pid: process.pid }));
        await store.createRun(makeRun('run-elsewhere', 2000));
        await store.createRun(makeRun('run-crashed', 3000, { host: hostname(), pid: deadPid }));
        expect((await store.getRun('run-crashed'))?.status).toBe('crashed');
        expect((await store.listRuns()).map((run) => `${run.id}:${run.status}`)).toEqual(['run-crashed:crashed', 'run-elsewhere:running', 'run-alive:running']);
        expect(await store.findResumableRun()).toMatchObject({ id: 'run-crashed', status: 'crashed' });
      });

      it('lists run headers as listRuns reads the runs (order, crashed, finish time), when the store supports it', async () => {
        if (!store.listRunHeaders) return;
        const deadPid = spawnSync(process.execPath, ['-e', '']).pid;
        await store.createRun(makeRun('run-b', 2000, { status: 'succeeded', finishedAt: iso(2500) }));
        await store.createRun(makeRun('run-a', 1000, { host: hostname(), pid: deadPid }));
        await store.createRun(makeRun('run-c', 3000));
        const header = ({ id, status, startedAt, finishedAt, host, pid }: RunRecord): RunHeader => ({ id, status, startedAt, ...(finishedAt === undefined ? {} : { finishedAt }), host, pid });
        expect(await store.listRunHeaders()).toEqual((await store.listRuns()).map(header));
        expect((await store.listRunHeaders()).map((run) => `${run.id}:${run.status}`)).toEqual(['run-c:running', 'run-b:succeeded', 'run-a:crashed']);
      });

      it('reopens a run for resume under the resuming process, when the store supports it', async () => {
        if (!store.reopenRun) return;
        await store.createRun(makeRun('run-1', 0, { status: 'interrupted', finishedAt: iso(500) }));
        await store.reopenRun('run-1', { host: 'resumer.contract.invalid', pid: 777 });
        expect(await store.getRun('run-1')).toEqual(
          makeRun('run-1', 0, { status: 'running', host: 'resumer.contract.invalid', pid: 777 }),
        );
      });
    });

    describe('stack runs', () => {
      const record = (runId: string, stack: string, overrides: Partial<StackRunRecord> = {}): StackRunRecord => ({
        runId,
        stack,
        state: 'pending',
        attempt: 1,
        ...overrides,
      });

      it('upserts one row per run and stack, the last write winning', async () => {
        await store.createRun(makeRun('run-1', 0));
        await store.putStackRun(record('run-1', 'network'));
        await store.putStackRun(record('run-1', 'app'));
        const applied: StackRunRecord = record('run-1', 'network', {
          state: 'succeeded',
          phase: 'apply',
          attempt: 2,
          exitCode: 0,
          startedAt: iso(100),
          finishedAt: iso(900),
          durationMs: 800,
          changes: { create: 1, update: 0, delete: 0, replace: 0, resources: [{ address: 'terraform_data.x', action: 'create' }] },
          reason: 'retried after "429"',
          logFile: '/fleet/.stackfleet/logs/run-1/network.log',
        });
        await store.putStackRun(applied);
        expect(await store.listStackRuns('run-1')).toEqual([applied, record('run-1', 'app')]);
        await store.putStackRun(record('run-1', 'network', { state: 'failed', exitCode: 1 }));
        expect((await store.listStackRuns('run-1'))[0]).toEqual(record('run-1', 'network', { state: 'failed', exitCode: 1 }));
        expect(await store.listStackRuns('run-unknown')).toEqual([]);
      });

      it('writes several rows at once (putStackRuns, optional) as putStackRun writes each', async () => {
        if (!store.putStackRuns) return;
        await store.createRun(makeRun('run-1', 0));
        await store.putStackRun(record('run-1', 'network', { state: 'running' }));
        await store.putStackRuns([record('run-1', 'app'), record('run-1', 'network'), record('run-1', 'dns', { reason: 'kept' })]);
        expect(await store.listStackRuns('run-1')).toEqual([record('run-1', 'network'), record('run-1', 'app'), record('run-1', 'dns', { reason: 'kept' })]);
        await store.putStackRuns([]);
        expect(await store.listStackRuns('run-1')).toHaveLength(3);
      });

      it('commits calls made inside writeTogether (optional), and reports the one that failed without losing the others', async () => {
        if (!store.writeTogether) return;
        await store.createRun(makeRun('run-1', 0));
        await store.acquireLock('network', alice, 60_000, at(0));
        await store.writeTogether(() => [store.releaseLock('network', alice), store.putStackRun(record('run-1', 'network', { state: 'succeeded' }))]);
        expect(await store.listLocks()).toEqual([]);
        expect(await store.listStackRuns('run-1')).toEqual([record('run-1', 'network', { state: 'succeeded' })]);
        await store.acquireLock('app', bob, 60_000, at(0));
        const failing = (): Promise<void> => Promise.reject(new Error('this write failed'));
        await expect(store.writeTogether(() => [store.releaseLock('app', bob), failing()])).rejects.toThrow('this write failed');
        expect(await store.listLocks()).toEqual([]);
      });

      it('lists a stack history newest run first, across runs, with a limit', async () => {
        await store.createRun(makeRun('run-2', 2000));
        await store.createRun(makeRun('run-1', 1000));
        await store.createRun(makeRun('run-3', 3000));
        for (const runId of ['run-2', 'run-1', 'run-3']) {
          await store.putStackRun(record(runId, 'network', { state: 'succeeded' }));
          await store.putStackRun(record(runId, 'app', { state: 'skipped' }));
        }
        const history = await store.listStackHistory('network');
        expect(history.map((entry) => [entry.runId, entry.stack])).toEqual([
          ['run-3', 'network'],
          ['run-2', 'network'],
          ['run-1', 'network'],
        ]);
        expect((await store.listStackHistory('app', 2)).map((entry) => entry.runId)).toEqual(['run-3', 'run-2']);
        expect(await store.listStackHistory('nope')).toEqual([]);
      });
    });

    describe('locks', () => {
      it('acquires a free lock and reports the holder to everyone else', async () => {
        const first = await store.acquireLock('network', alice, 60_000, at(0));
        expect(first).toEqual({
          acquired: true,
          lock: { stack: 'network', ...alice, acquiredAt: iso(0), expiresAt: iso(60_000) },
        });
        const second = await store.acquireLock('network', bob, 60_000, at(1000));
        expect(second).toEqual({ acquired: false, heldBy: { stack: 'network', ...alice, acquiredAt: iso(0), expiresAt: iso(60_000) } });
        expect((await store.acquireLock('app', bob, 60_000, at(1000))).acquired).toBe(true);
      });

      it('lets anyone take a lock once its lease expired', async () => {
        await store.acquireLock('network', alice, 10_000, at(0));
        expect((await store.acquireLock('network', bob, 10_000, at(9_999))).acquired).toBe(false);
        expect(await store.acquireLock('network', bob, 10_000, at(10_001))).toEqual({
          acquired: true,
          lock: { stack: 'network', ...bob, acquiredAt: iso(10_001), expiresAt: iso(20_001) },
        });
      });

      it('keeps a same-host holder whose process exists past its lease (a stopped process is not a dead one)', async () => {
        const live: LockHolder = { host: hostname(), pid: process.pid, runId: 'run-stopped' };
        await store.acquireLock('network', live, 10_000, at(0));
        expect(await store.acquireLock('network', bob, 10_000, at(60_000))).toEqual({
          acquired: false,
          heldBy: { stack: 'network', ...live, acquiredAt: iso(0), expiresAt: iso(10_000) },
        });
      });

      it('extends the lease when the same holder acquires again', async () => {
        await store.acquireLock('network', alice, 10_000, at(0));
        const again = await store.acquireLock('network', alice, 10_000, at(5_000));
        expect(again).toEqual({ acquired: true, lock: { stack: 'network', ...alice, acquiredAt: iso(0), expiresAt: iso(15_000) } });
        // Same host and pid but another run is a different holder.
        expect((await store.acquireLock('network', { ...alice, runId: 'run-other' }, 10_000, at(6_000))).acquired).toBe(false);
      });

      it('renews only the holder own lease', async () => {
        await store.acquireLock('network', alice, 10_000, at(0));
        expect(await store.renewLock('network', bob, 10_000, at(5_000))).toBe(false);
        expect(await store.renewLock('network', alice, 10_000, at(5_000))).toBe(true);
        expect((await store.acquireLock('network', bob, 10_000, at(12_000))).acquired).toBe(false);
        expect((await store.listLocks())[0]?.expiresAt).toBe(iso(15_000));
        expect(await store.renewLock('unlocked', alice, 10_000, at(5_000))).toBe(false);
      });

      it('releases only for the holder; a release by anyone else is a no-op', async () => {
        await store.acquireLock('network', alice, 10_000, at(0));
        await store.releaseLock('network', bob);
        await store.releaseLock('network', { ...alice, pid: 999 });
        expect((await store.listLocks()).map((lock) => lock.stack)).toEqual(['network']);
        await store.releaseLock('network', alice);
        expect(await store.listLocks()).toEqual([]);
        expect((await store.acquireLock('network', bob, 10_000, at(1))).acquired).toBe(true);
      });

      it('force-unlocks, returning what it removed', async () => {
        await store.acquireLock('network', alice, 10_000, at(0));
        expect(await store.forceUnlock('network')).toEqual({ stack: 'network', ...alice, acquiredAt: iso(0), expiresAt: iso(10_000) });
        expect(await store.forceUnlock('network')).toBeUndefined();
        expect((await store.acquireLock('network', bob, 10_000, at(1))).acquired).toBe(true);
      });

      it('lists locks sorted by stack', async () => {
        await store.acquireLock('network', alice, 10_000, at(0));
        await store.acquireLock('app', bob, 10_000, at(0));
        await store.acquireLock('dns', alice, 10_000, at(0));
        expect((await store.listLocks()).map((lock) => [lock.stack, lock.runId])).toEqual([
          ['app', 'run-bob'],
          ['dns', 'run-alice'],
          ['network', 'run-alice'],
        ]);
      });
    });

    describeSavedPlansContract(() => store);

    describe('drift', () => {
      const drift = (stack: string, offsetMs: number, overrides: Partial<DriftRecord> = {}): DriftRecord => ({
        stack,
        runId: `drift-${offsetMs}`,
        checkedAt: iso(offsetMs),
        status: 'clean',
        ...overrides,
      });

      it('records checks and returns the latest and the history newest first', async () => {
        expect(await store.latestDrift('network')).toBeUndefined();
        const drifted = drift('network', 2000, {
          status: 'drifted',
          changes: { create: 0, update: 2, delete: 1, replace: 0 },
          remediated: false,
          message: '2 to change, 1 to destroy',
        });
        await store.recordDrift(drifted);
        await store.recordDrift(drift('network', 1000));
        await store.recordDrift(drift('app', 3000, { status: 'error', message: 'plan failed' }));
        await store.recordDrift(drift('network', 4000, { remediated: true }));
        expect(await store.latestDrift('network')).toEqual(drift('network', 4000, { remediated: true }));
        expect(await store.latestDrift('app')).toEqual(drift('app', 3000, { status: 'error', message: 'plan failed' }));
        expect((await store.driftHistory('network')).map((entry) => entry.checkedAt)).toEqual([iso(4000), iso(2000), iso(1000)]);
        expect((await store.driftHistory('network'))[1]).toEqual(drifted);
        expect((await store.driftHistory()).map((entry) => entry.stack)).toEqual(['network', 'app', 'network', 'network']);
        expect((await store.driftHistory(undefined, 2)).map((entry) => entry.checkedAt)).toEqual([iso(4000), iso(3000)]);
        expect(await store.driftHistory('nope')).toEqual([]);
      });
    });

    describe('policy decisions and approvals', () => {
      it('keeps decisions and approvals per run, in the order recorded', async () => {
        await store.createRun(makeRun('r1', 0));
        await store.createRun(makeRun('r2', 1000));
        const deny = { runId: 'r1', stack: 'app', policy: 'blast', rule: 'no-delete', effect: 'deny' as const, message: 'no', at: iso(10) };
        const warn = { runId: 'r1', stack: null, policy: 'run', rule: 'many', effect: 'warn' as const, message: '3 stacks', at: iso(11) };
        // Who satisfied a require_approval is kept (show RUN says it); a waiting one has nobody.
        const approved = { runId: 'r1', stack: 'app', policy: 'blast', rule: 'big', effect: 'require_approval' as const, message: 'big', approvedBy: ['bob', 'carol'], at: iso(12) };
        const waiting = { runId: 'r1', stack: 'app', policy: 'blast', rule: 'big', effect: 'require_approval' as const, message: 'big', at: iso(13) };
        await store.recordPolicyDecisions([deny, warn]);
        await store.recordPolicyDecisions([]);
        await store.recordPolicyDecisions([approved, waiting]);
        await store.recordPolicyDecisions([{ ...deny, runId: 'r2' }]);
        expect(await store.listPolicyDecisions('r1')).toEqual([deny, warn, approved, waiting]);
        expect(await store.listPolicyDecisions('nope')).toEqual([]);

        const approval = { runId: 'r1', stack: null, by: 'alice', at: iso(20), comment: 'looks fine' };
        await store.recordApproval(approval);
        await store.recordApproval({ runId: 'r1', stack: 'app', by: 'bob', at: iso(21) });
        expect(await store.listApprovals('r1')).toEqual([approval, { runId: 'r1', stack: 'app', by: 'bob', at: iso(21) }]);
        expect(await store.listApprovals('r2')).toEqual([]);
      });

      it('keeps the plans run policies judged per run, replaced whole, keys in the order written', async () => {
        await store.createRun(makeRun('r1', 0));
        await store.createRun(makeRun('r2', 1000));
        expect(await store.getRunPolicyPlans('r1')).toBeUndefined();
        const network = { terraform: { resource_changes: [{ type: 'terraform_data', address: 'a.b', change: { after: '<sensitive:0123456789ab>', actions: ['create'] } }], output_changes: {} }, changes: { add: 1, total: 1, known: true } };
        const app = { changes: { total: 1, known: false, add: 0 } };
        const first = { runId: 'r1', awaiting: true, at: iso(10), plans: [{ stack: 'network', plan: network }, { stack: 'app', plan: app }] };
        await store.putRunPolicyPlans(first);
        await store.putRunPolicyPlans({ runId: 'r2', awaiting: false, at: iso(11), plans: [] });
        const read = await store.getRunPolicyPlans('r1');
        expect(read).toEqual(first);
        // What policies see keeps its order (a list's order, and an exec policy's JSON).
        expect(JSON.stringify(read)).toBe(JSON.stringify(first));
        const again = { runId: 'r1', awaiting: false, at: iso(12), plans: [{ stack: 'app', plan: app }] };
        await store.putRunPolicyPlans(again);
        expect(await store.getRunPolicyPlans('r1')).toEqual(again);
        expect(await store.getRunPolicyPlans('r2')).toEqual({ runId: 'r2', awaiting: false, at: iso(11), plans: [] });
        expect(await store.getRunPolicyPlans('nope')).toBeUndefined();
      });
    });
  });
}
