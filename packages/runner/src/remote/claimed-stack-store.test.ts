import { describe, expect, it } from 'vitest';
import type { StackClaim } from '@stackfleet/core';
// Test-only helpers: the runner never depends on test-utils at runtime.
import { MemoryStore } from '@stackfleet/test-utils';
import { createClaimedStackStore } from './claimed-stack-store.js';
import type { QueueStore } from './remote-payload.js';

const claim: StackClaim = { runId: 'run-1', stack: 'app', workerId: 'w', fence: 1, attempt: 1, leaseExpiresAt: '2030-01-01T00:00:00Z', payload: {}, onlyAsDependent: false, upstreams: [] };
const holder = { host: 'worker.invalid', pid: 7, runId: 'run-1' };
const now = new Date('2030-01-01T00:00:00Z');

/** The embedded test store with the one fenced write a claimed stack uses (the claim always holds here). */
function queueStore(): MemoryStore & QueueStore {
  const store = new MemoryStore() as MemoryStore & Partial<QueueStore>;
  store.putClaimedStackRun = async (_claim, record) => {
    await store.putStackRun(record);
    return true;
  };
  return store as MemoryStore & QueueStore;
}

function open(command: 'apply' | 'plan', store = queueStore()) {
  const claimed = createClaimedStackStore(store, claim, { command, shareable: (path) => path, onLost: () => undefined });
  return { store, claimed };
}

describe('createClaimedStackStore', () => {
  it("reads an apply's previous outputs once its lock is held, and keeps the lock's release, its last record and its outputs for the completion", async () => {
    const { store, claimed } = open('apply');
    await store.setOutputs('app', { url: { value: 'old', sensitive: false } }, 'run-0');
    await claimed.store.putStackRun({ runId: 'run-1', stack: 'app', state: 'applying', attempt: 1 });
    expect((await claimed.store.acquireLock('app', holder, 60_000, now)).acquired).toBe(true);
    expect((await store.listLocks()).map((lock) => lock.pid)).toEqual([7]);
    // The previous outputs, read once the lock was held.
    expect((await claimed.store.getOutputs('app'))?.outputs.url?.value).toBe('old');
    await claimed.store.releaseLock('app', holder);
    expect((await store.listLocks()).map((lock) => lock.stack)).toEqual(['app']);
    expect(claimed.takeHeldLock()).toBe(holder);
    // The last record and the outputs wait for the completion too.
    claimed.deferRecords();
    await claimed.store.putStackRun({ runId: 'run-1', stack: 'app', state: 'succeeded', attempt: 1 });
    await claimed.store.setOutputs('app', { url: { value: 'new', sensitive: false } }, 'run-1');
    expect(claimed.finalRecord()).toMatchObject({ state: 'succeeded' });
    expect(claimed.appliedOutputs()).toEqual({ url: { value: 'new', sensitive: false } });
    expect((await store.listStackRuns('run-1')).map((record) => record.state)).toEqual(['applying']);
    expect((await store.getOutputs('app'))?.outputs.url?.value).toBe('old');
  });

  it('a lock held by someone else is reported to the engine as such, and there is then no lock to release', async () => {
    const busy = queueStore();
    const other = { host: 'other.invalid', pid: 9, runId: 'run-0' };
    await busy.acquireLock('app', other, 60_000, now);
    const { claimed } = open('apply', busy);
    expect(await claimed.store.acquireLock('app', holder, 60_000, now)).toMatchObject({ acquired: false, heldBy: { pid: 9 } });
    expect(claimed.takeHeldLock()).toBeUndefined();
  });

  it('writing a running record takes no lock (the engine takes it before any record, itself)', async () => {
    const { store, claimed } = open('apply');
    await claimed.store.putStackRun({ runId: 'run-1', stack: 'app', state: 'running', attempt: 1 });
    expect(await store.listLocks()).toEqual([]);
    expect(claimed.takeHeldLock()).toBeUndefined();
  });

  it('never offers writing several rows at once, which would bypass the fence (the engine then writes them one by one)', () => {
    const store = Object.assign(queueStore(), { writeTogether: async () => undefined });
    const { claimed } = open('apply', store);
    expect(typeof Reflect.get(store, 'putStackRuns')).toBe('function');
    expect(Reflect.get(claimed.store, 'putStackRuns')).toBeUndefined();
    expect(Reflect.get(claimed.store, 'writeTogether')).toBeUndefined();
  });
});
