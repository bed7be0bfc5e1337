/**
 * The distributed work queue against a real PostgreSQL: exactly-once claims
 * by racing workers, dependency order, label limits across workers, pools,
 * fencing of a worker whose lease was taken over, failure and cancellation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueuedRun, QueuedStack, StackClaim } from '@stackfleet/core';
import { startPostgres, type PostgresServer } from '@stackfleet/test-utils';
import { openPostgresStore, type PostgresStore } from './postgres-store.js';
import { createPgPool } from './pg-connect.js';
import { claimStacksWithin } from './pg-claim-stacks.js';
import { runEventsLockKey } from './pg-run-events.js';

let server: PostgresServer;
let counter = 0;
const key = 'cd'.repeat(32);
const t0 = new Date('2030-01-01T00:00:00Z');
const later = (ms: number): Date => new Date(t0.getTime() + ms);

beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

function stores(count: number, fleet = `queue-${++counter}`): PostgresStore[] {
  return Array.from({ length: count }, () => openPostgresStore({ url: server.url, fleet, env: { STACKFLEET_STATE_KEY: key } }));
}

const node = (stack: string, needs: string[] = [], extra: Partial<QueuedStack> = {}): QueuedStack => ({
  stack, pool: 'default', labels: [], priority: 0, needs, ...extra,
});

function run(stacks: QueuedStack[], limits: Record<string, number> = {}): QueuedRun {
  return { runId: `run-${++counter}`, payload: { command: 'apply' }, limits, stacks };
}

describe('work queue', () => {
  it('three racing workers drain a DAG, each stack exactly once, never before its upstreams', async () => {
    const workers = stores(3);
    const [first] = workers as [PostgresStore];
    // A layered random-ish DAG of 40 stacks.
    const stacks = Array.from({ length: 40 }, (_, index) =>
      node(`s${String(index).padStart(2, '0')}`, index < 5 ? [] : [`s${String(index % 5).padStart(2, '0')}`, `s${String(index - 1).padStart(2, '0')}`].filter((v, i, a) => a.indexOf(v) === i), { priority: 40 - index }),
    );
    const queued = run(stacks);
    await first.enqueueRun(queued);
    const finished: string[] = [];
    const claimedBy = new Map<string, string>();
    await Promise.all(
      workers.map(async (store, index) => {
        const worker = { id: `w${index}`, pool: 'default' };
        for (;;) {
          const claim = await store.claimStack(worker, 30_000, t0);
          if (!claim) {
            if (await store.isRunDrained(queued.runId)) return;
            await new Promise((resolve) => setTimeout(resolve, 5));
            continue;
          }
          expect(claimedBy.has(claim.stack), `${claim.stack} claimed twice`).toBe(false);
          claimedBy.set(claim.stack, worker.id);
          const needs = stacks.find((s) => s.stack === claim.stack)?.needs ?? [];
          for (const upstream of needs) expect(finished, `${claim.stack} before ${upstream}`).toContain(upstream);
          finished.push(claim.stack);
          expect((await store.completeStack(claim, { status: 'succeeded', outputs: { id: { value: claim.stack, sensitive: false } } })).committed).toBe(true);
        }
      }),
    );
    expect([...claimedBy.keys()].sort()).toEqual(stacks.map((s) => s.stack).sort());
    expect(new Set(claimedBy.values()).size).toBeGreaterThan(1);
    expect((await first.getOutputs('s39'))?.outputs.id?.value).toBe('s39');
    await Promise.all(workers.map((store) => store.close()));
  });

  it('holds settings.limits across workers and keeps pools apart', async () => {
    const [a, b, gpu] = stores(3) as [PostgresStore, PostgresStore, PostgresStore];
    const queued = run([node('p1', [], { labels: ['prod'], priority: 3 }), node('p2', [], { labels: ['prod'], priority: 2 }), node('dev', [], { priority: 1 }), node('train', [], { pool: 'gpu' })], { prod: 1 });
    await a.enqueueRun(queued);
    const first = await a.claimStack({ id: 'a', pool: 'default' }, 30_000, t0);
    const second = await b.claimStack({ id: 'b', pool: 'default' }, 30_000, t0);
    expect(first?.stack).toBe('p1');
    expect(second?.stack).toBe('dev'); // p2 waits: one prod stack is running
    expect(await b.claimStack({ id: 'b', pool: 'default' }, 30_000, t0)).toBeUndefined();
    expect((await gpu.claimStack({ id: 'g', pool: 'gpu' }, 30_000, t0))?.stack).toBe('train');
    await a.completeStack(first!, { status: 'succeeded' });
    expect((await b.claimStack({ id: 'b', pool: 'default' }, 30_000, t0))?.stack).toBe('p2');
    await Promise.all([a, b, gpu].map((store) => store.close()));
  });

  it('claims several stacks at once (best first, within the limits) and the next ones with a completion, exactly once; the last completion says the run drained', async () => {
    const workers = stores(3);
    const [first] = workers as [PostgresStore];
    const stacks = Array.from({ length: 30 }, (_, index) =>
      node(`s${String(index).padStart(2, '0')}`, index < 4 ? [] : [`s${String(index % 4).padStart(2, '0')}`, `s${String(index - 2).padStart(2, '0')}`].filter((v, i, a) => a.indexOf(v) === i), {
        priority: 30 - index,
        labels: index % 3 === 0 ? ['prod'] : [],
      }),
    );
    const queued = run(stacks, { prod: 1 });
    await first.enqueueRun(queued);
    const finished: string[] = [];
    const claimedBy = new Map<string, string>();
    let drainedSeen = 0;
    await Promise.all(
      workers.map(async (store, index) => {
        const worker = { id: `w${index}`, pool: 'default' };
        let held = await store.claimStacks(worker, 2, 30_000, t0);
        for (;;) {
          if (held.length === 0) {
            if (await store.isRunDrained(queued.runId)) return;
            await new Promise((resolve) => setTimeout(resolve, 5));
            held = await store.claimStacks(worker, 2, 30_000, t0);
            continue;
          }
          expect(held.length).toBeLessThanOrEqual(2);
          // Best first, never two prod stacks at once (one worker holds at most one of them, the others none).
          expect(held.filter((claim) => claim.stack.match(/^s(\d+)$/) && Number(claim.stack.slice(1)) % 3 === 0).length).toBeLessThanOrEqual(1);
          const [claim, ...rest] = held as [StackClaim, ...StackClaim[]];
          expect(claimedBy.has(claim.stack), `${claim.stack} claimed twice`).toBe(false);
          claimedBy.set(claim.stack, worker.id);
          for (const upstream of stacks.find((s) => s.stack === claim.stack)?.needs ?? []) expect(finished, `${claim.stack} before ${upstream}`).toContain(upstream);
          finished.push(claim.stack);
          const completion = await store.completeStack(claim, { status: 'succeeded' }, { worker, limit: 1, leaseMs: 30_000, now: t0 });
          expect(completion.committed).toBe(true);
          if (completion.drained) drainedSeen += 1;
          held = [...rest, ...completion.claims];
        }
      }),
    );
    expect([...claimedBy.keys()].sort()).toEqual(stacks.map((s) => s.stack).sort());
    expect(drainedSeen).toBe(1);
    await Promise.all(workers.map((store) => store.close()));
  });

  it('claims up to the asked number in priority order, skipping label-limited stacks; a fenced-out completion claims nothing', async () => {
    const [a, b] = stores(2) as [PostgresStore, PostgresStore];
    const queued = run([node('p1', [], { labels: ['prod'], priority: 5 }), node('p2', [], { labels: ['prod'], priority: 4 }), node('x', [], { priority: 3 }), node('y', [], { priority: 2 }), node('z', [], { priority: 1 })], { prod: 1 });
    await a.enqueueRun(queued);
    expect((await a.claimStacks({ id: 'a', pool: 'default' }, 3, 30_000, t0)).map((claim) => claim.stack)).toEqual(['p1', 'x', 'y']);
    const [z] = await b.claimStacks({ id: 'b', pool: 'default' }, 3, 1_000, t0);
    expect(z?.stack).toBe('z');
    // z's lease is taken over after it expired; the stalled worker's completion commits nothing and claims nothing.
    expect((await a.claimStacks({ id: 'a', pool: 'default' }, 2, 30_000, later(1_500))).map((claim) => claim.stack)).toEqual(['z']);
    const stale = await b.completeStack(z!, { status: 'succeeded' }, { worker: { id: 'b', pool: 'default' }, limit: 2, leaseMs: 1_000, now: later(1_500) });
    expect(stale).toEqual({ committed: false, claims: [], drained: false });
    await Promise.all([a, b].map((store) => store.close()));
  });

  it('fences out a worker whose lease was taken over: it can neither renew nor commit', async () => {
    const [stalled, rescuer] = stores(2) as [PostgresStore, PostgresStore];
    const queued = run([node('db'), node('app', ['db'])]);
    await stalled.enqueueRun(queued);
    const old = await stalled.claimStack({ id: 'stalled', pool: 'default' }, 1_000, t0);
    expect(await rescuer.claimStack({ id: 'rescuer', pool: 'default' }, 1_000, later(500))).toBeUndefined();
    const taken = await rescuer.claimStack({ id: 'rescuer', pool: 'default' }, 1_000, later(1_500));
    expect(taken).toMatchObject({ stack: 'db', attempt: 2 });
    expect(taken!.fence).toBeGreaterThan(old!.fence);
    expect(await stalled.renewClaim(old!, 1_000, later(1_600))).toBe(false);
    expect((await stalled.completeStack(old!, { status: 'succeeded', outputs: { url: { value: 'stale', sensitive: false } } })).committed).toBe(false);
    expect(await stalled.getOutputs('db')).toBeUndefined();
    expect((await rescuer.completeStack(taken!, { status: 'succeeded', outputs: { url: { value: 'fresh', sensitive: true } } })).committed).toBe(true);
    expect((await rescuer.getOutputs('db'))?.outputs.url).toEqual({ value: 'fresh', sensitive: true });
    expect((await rescuer.listNodes(queued.runId)).find((n) => n.stack === 'app')?.state).toBe('ready');
    await Promise.all([stalled, rescuer].map((store) => store.close()));
  });

  it('skips everything downstream of a failure and stops handing out a cancelled run', async () => {
    const [store] = stores(1) as [PostgresStore];
    const queued = run([node('net', [], { priority: 3 }), node('db', ['net'], { priority: 2 }), node('app', ['db'], { priority: 1 }), node('dns', [], { priority: 0 })]);
    await store.enqueueRun(queued);
    const net = await store.claimStack({ id: 'w', pool: 'default' }, 30_000, t0);
    await store.completeStack(net!, { status: 'failed', reason: 'exit 1' });
    const nodes = await store.listNodes(queued.runId);
    expect(nodes.filter((n) => n.state === 'skipped').map((n) => [n.stack, n.reason])).toEqual([
      ['db', 'dependency net failed'],
      ['app', 'dependency net failed'],
    ]);
    const dns = await store.claimStack({ id: 'w', pool: 'default' }, 30_000, t0);
    expect(dns?.stack).toBe('dns');
    await store.cancelRun(queued.runId);
    expect(await store.renewClaim(dns!, 30_000, t0)).toBe(false);
    expect(await store.claimStack({ id: 'w', pool: 'default' }, 30_000, t0)).toBeUndefined();
    await store.close();
  });

  it('keeps events in order, refuses a stale claim\'s events and records, and finishes a run once', async () => {
    const [stalled, rescuer] = stores(2) as [PostgresStore, PostgresStore];
    const queued = run([node('db')]);
    const startedAt = t0.toISOString();
    await stalled.createRun({ id: queued.runId, command: 'apply', selection: {}, stacks: ['db'], startedBy: 't', host: 'h', pid: 1, repoShas: {}, manifestPath: 'stacks.yaml', startedAt, status: 'running' });
    await stalled.appendRunEvents(queued.runId, [{ type: 'run.started', runId: queued.runId, command: 'apply', stacks: ['db'], concurrency: 1, at: startedAt }]);
    await stalled.enqueueRun(queued);
    const old = (await stalled.claimStack({ id: 'stalled', pool: 'default' }, 1_000, t0))!;
    const line = (text: string) => ({ type: 'stack.log' as const, runId: queued.runId, stack: 'db', stream: 'stdout' as const, line: text, at: startedAt });
    expect(await stalled.appendRunEvents(queued.runId, [line('one'), line('two')], old)).toBe(true);
    const taken = (await rescuer.claimStack({ id: 'rescuer', pool: 'default' }, 1_000, later(2_000)))!;
    expect(await stalled.appendRunEvents(queued.runId, [line('late')], old)).toBe(false);
    expect(await stalled.putClaimedStackRun(old, { runId: queued.runId, stack: 'db', state: 'succeeded', attempt: 1 })).toBe(false);
    expect(await rescuer.putClaimedStackRun(taken, { runId: queued.runId, stack: 'db', state: 'running', attempt: 2 })).toBe(true);
    const finished = { type: 'stack.finished' as const, runId: queued.runId, stack: 'db', status: 'succeeded' as const, durationMs: 1, at: startedAt };
    expect((await stalled.completeStack(old, { status: 'succeeded', events: [finished] })).committed).toBe(false);
    expect((await rescuer.completeStack(taken, { status: 'succeeded', events: [finished] })).committed).toBe(true);
    const summary = { total: 1, succeeded: 1, failed: 0, skipped: 0, unchanged: 0, changed: 0, denied: 0, interrupted: 0, durationMs: 5 };
    const closing = [{ type: 'run.finished' as const, runId: queued.runId, status: 'succeeded' as const, summary, at: startedAt }];
    expect(await rescuer.finishQueuedRun(queued.runId, 'succeeded', startedAt, closing)).toBe(true);
    expect(await stalled.finishQueuedRun(queued.runId, 'succeeded', startedAt, closing)).toBe(false);
    const events = await rescuer.readRunEvents(queued.runId, 0);
    expect(events.map(({ event }) => (event.type === 'stack.log' ? event.line : event.type))).toEqual(['run.started', 'one', 'two', 'stack.finished', 'run.finished']);
    expect(events.map(({ seq }) => seq)).toEqual([...events.map(({ seq }) => seq)].sort((a, b) => a - b));
    expect((await rescuer.readRunEvents(queued.runId, events[2]!.seq)).map(({ event }) => event.type)).toEqual(['stack.finished', 'run.finished']);
    expect((await rescuer.listStackRuns(queued.runId))[0]).toMatchObject({ state: 'running', attempt: 2 });
    expect((await rescuer.getRun(queued.runId))?.status).toBe('succeeded');
    await rescuer.recordWorker({ id: 'rescuer', pool: 'gpu' }, later(10_000));
    expect(await rescuer.listLiveWorkers(later(5_000))).toEqual([{ id: 'rescuer', pool: 'gpu', lastSeenAt: later(10_000).toISOString() }]);
    expect(await rescuer.listLiveWorkers(later(20_000))).toEqual([]);
    expect(await rescuer.readLastRunEventSeq(queued.runId)).toBe(events.at(-1)!.seq);
    expect(await rescuer.readLastRunEventSeq('no-such-run')).toBe(0);
    await Promise.all([stalled, rescuer].map((store) => store.close()));
  });

  it('notifies listeners when stacks become claimable and when a run gets events, for their fleet only', async () => {
    const [store, listener] = stores(2) as [PostgresStore, PostgresStore];
    const [other] = stores(1) as [PostgresStore];
    const heard: string[] = [];
    const unwatch = await listener.watchQueue((change) => heard.push(change.kind === 'ready' ? 'ready' : `events ${change.runId}`));
    const queued = run([node('a'), node('b', ['a'])]);
    await other.enqueueRun(run([node('elsewhere')]));
    await store.enqueueRun(queued);
    const a = (await store.claimStack({ id: 'w', pool: 'default' }, 30_000, t0))!;
    await store.completeStack(a, { status: 'succeeded', events: [{ type: 'stack.finished', runId: queued.runId, stack: 'a', status: 'succeeded', durationMs: 1, at: t0.toISOString() }] });
    const deadline = Date.now() + 5_000;
    while (heard.length < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(heard).toEqual(['ready', 'events ' + queued.runId, 'ready']);
    await unwatch();
    await Promise.all([store, listener, other].map((each) => each.close()));
  });

  it('writes a recorded run\'s pending stack records in their order with the queue, replacing an earlier attempt\'s', async () => {
    const [store] = stores(1) as [PostgresStore];
    const queued = run([node('web'), node('db'), node('app', ['db'])]);
    await store.createRun({ id: queued.runId, command: 'apply', selection: {}, stacks: ['web', 'db', 'app'], startedBy: 't', host: 'h', pid: 1, repoShas: {}, manifestPath: 'stacks.yaml', startedAt: t0.toISOString(), status: 'running' });
    await store.enqueueRun(queued);
    expect((await store.listStackRuns(queued.runId)).map((record) => [record.stack, record.state, record.attempt])).toEqual([
      ['web', 'pending', 0],
      ['db', 'pending', 0],
      ['app', 'pending', 0],
    ]);
    await store.putStackRun({ runId: queued.runId, stack: 'db', state: 'failed', attempt: 1, reason: 'exit 1', finishedAt: t0.toISOString() });
    // Queued again (resume): only the unfinished stack, back to pending, in its place.
    await store.enqueueRun({ ...queued, stacks: [node('db')] });
    expect((await store.listStackRuns(queued.runId)).map((record) => [record.stack, record.state, record.reason])).toEqual([
      ['web', 'pending', undefined],
      ['db', 'pending', undefined],
      ['app', 'pending', undefined],
    ]);
    await store.close();
  });

  it('releases the worker\'s stack lock with the completion (also a fenced-out one), never another holder\'s', async () => {
    const [stalled, rescuer] = stores(2) as [PostgresStore, PostgresStore];
    const queued = run([node('db', [], { priority: 1 }), node('app')]);
    await stalled.enqueueRun(queued);
    const holder = (pid: number) => ({ host: 'worker.invalid', pid, runId: queued.runId });
    const old = (await stalled.claimStack({ id: 'stalled', pool: 'default' }, 1_000, t0))!;
    expect((await stalled.acquireLock('db', holder(1), 60_000, t0)).acquired).toBe(true);
    // Taken over after the lease expired; the stalled worker still lets go of its own lock as it fails to commit.
    const taken = (await rescuer.claimStack({ id: 'rescuer', pool: 'default' }, 1_000, later(1_500)))!;
    expect((await stalled.completeStack(old, { status: 'succeeded', releaseLock: holder(1) })).committed).toBe(false);
    expect(await rescuer.listLocks()).toEqual([]);
    expect((await rescuer.acquireLock('db', holder(2), 60_000, later(1_600))).acquired).toBe(true);
    expect((await rescuer.acquireLock('app', holder(3), 60_000, later(1_600))).acquired).toBe(true);
    // A completion names its own holder: another holder's lock on the stack stays.
    expect((await rescuer.completeStack(taken, { status: 'succeeded', releaseLock: holder(1) })).committed).toBe(true);
    expect((await rescuer.listLocks()).map((lock) => [lock.stack, lock.pid])).toEqual([
      ['app', 3],
      ['db', 2],
    ]);
    const app = (await rescuer.claimStack({ id: 'rescuer', pool: 'default' }, 1_000, later(1_600)))!;
    expect((await rescuer.completeStack(app, { status: 'succeeded', releaseLock: holder(3) })).committed).toBe(true);
    expect((await rescuer.listLocks()).map((lock) => lock.stack)).toEqual(['db']);
    await Promise.all([stalled, rescuer].map((store) => store.close()));
  });

  it('a completion\'s claim takes the run\'s event lock last, unless a claim under the fleet\'s lock may follow it', async () => {
    const fleet = `queue-${++counter}`;
    const [store] = stores(1, fleet) as [PostgresStore];
    const queued = run([node('a', [], { priority: 2 }), node('b', [], { priority: 1 }), node('p', [], { labels: ['prod'], priority: 1.5 })], { prod: 1 });
    await store.enqueueRun(queued);
    const pool = createPgPool(server.url, 2, 1_000);
    const key = runEventsLockKey(fleet, queued.runId);
    // Whether another session could take the event lock now (and let go of it at once).
    const free = async (): Promise<boolean> => {
      const taken = (await pool.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok', [key])).rows[0]?.ok === true;
      if (taken) await pool.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]);
      return taken;
    };
    const client = await pool.connect();
    try {
      const request = { worker: { id: 'w', pool: 'default' }, limit: 1, leaseMs: 30_000, now: t0, eventsLockKey: key };
      await client.query('BEGIN');
      // The limited `p` waits in the pool: a claim under the fleet's lock may follow, so the event lock is not taken here.
      const first = await claimStacksWithin(client, fleet, request);
      expect(first).toMatchObject({ claims: [{ stack: 'a' }], eventsLocked: false });
      expect(await free()).toBe(true);
      await client.query('COMMIT');
      const other = (await store.claimStacks({ id: 'o', pool: 'default' }, 1, 30_000, t0))[0];
      expect(other?.stack).toBe('p');
      await client.query('BEGIN');
      const second = await claimStacksWithin(client, fleet, request);
      expect(second).toMatchObject({ claims: [{ stack: 'b' }], eventsLocked: true });
      expect(await free()).toBe(false);
      await client.query('COMMIT');
      expect(await free()).toBe(true);
    } finally {
      client.release();
      await pool.end();
      await store.close();
    }
  });

  it('a batch of events takes its seqs only once it holds the run\'s event lock, in one statement, and only while its claim holds', async () => {
    const fleet = `queue-${++counter}`;
    const [store] = stores(1, fleet) as [PostgresStore];
    const queued = run([node('db')]);
    await store.enqueueRun(queued);
    const claim = (await store.claimStack({ id: 'w', pool: 'default' }, 30_000, t0))!;
    const line = (text: string) => ({ type: 'stack.log' as const, runId: queued.runId, stack: 'db', stream: 'stdout' as const, line: text, at: t0.toISOString() });
    expect(await store.appendRunEvents(queued.runId, [line('one')], claim)).toBe(true);
    const pool = createPgPool(server.url, 2, 1_000);
    const lastSeq = async (): Promise<number> => Number((await pool.query<{ last_value: string }>('SELECT last_value FROM run_events_seq_seq')).rows[0]?.last_value);
    const key = runEventsLockKey(fleet, queued.runId);
    const holder = await pool.connect();
    try {
      // Another session holds the run's event lock: the batch waits for it before any seq is taken.
      await holder.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [key]);
      const before = await lastSeq();
      let settled = false;
      const pending = store.appendRunEvents(queued.runId, [line('two'), line('three')], claim).finally(() => (settled = true));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(settled).toBe(false);
      expect(await lastSeq()).toBe(before);
      await holder.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]);
      expect(await pending).toBe(true);
    } finally {
      holder.release();
      await pool.end();
    }
    const stale = { ...claim, fence: claim.fence - 1 };
    expect(await store.appendRunEvents(queued.runId, [line('late')], stale)).toBe(false);
    expect((await store.readRunEvents(queued.runId, 0)).map(({ event }) => (event.type === 'stack.log' ? event.line : event.type))).toEqual(['one', 'two', 'three']);
    await store.close();
  });

  it('tells a dependent-only stack whether its upstreams\' applies changed their outputs; queueing a run again replaces its leftovers', async () => {
    const [store] = stores(1) as [PostgresStore];
    const queued = run([node('a', [], { priority: 2 }), node('b', [], { priority: 1 }), node('c', ['a', 'b'], { onlyAsDependent: true }), node('d', ['a'])]);
    await store.enqueueRun(queued);
    const worker = { id: 'w', pool: 'default' };
    const a = (await store.claimStack(worker, 30_000, t0))!;
    expect(a).toMatchObject({ stack: 'a', onlyAsDependent: false, upstreams: [] });
    await store.completeStack(a, { status: 'succeeded', outputsChanged: false });
    const b = (await store.claimStack(worker, 30_000, t0))!;
    await store.completeStack(b, { status: 'unchanged', outputsChanged: true });
    const c = (await store.claimStack(worker, 30_000, t0))!;
    expect(c).toMatchObject({ stack: 'c', onlyAsDependent: true, upstreams: [{ stack: 'a', outputsChanged: false }, { stack: 'b', outputsChanged: true }] });
    // Not a dependent-only stack: no upstream reads.
    expect(await store.claimStack(worker, 30_000, t0)).toMatchObject({ stack: 'd', upstreams: [] });
    await store.cancelRun(queued.runId);
    await store.enqueueRun({ ...queued, stacks: [node('c', [], { onlyAsDependent: true })] });
    expect((await store.listNodes(queued.runId)).map((n) => [n.stack, n.state])).toEqual([['c', 'ready']]);
    expect(await store.getQueuedRun(queued.runId)).toMatchObject({ cancelled: false });
    expect(await store.claimStack(worker, 30_000, t0)).toMatchObject({ stack: 'c', attempt: 1, upstreams: [] });
    await store.close();
  });
});
