import { describe, expect, it } from 'vitest';
// Test-only helpers: the runner never depends on test-utils at runtime.
import { MemoryStore } from '@stackfleet/test-utils';
import { acquireStackLock } from './stack-lock.js';

const holder = { host: 'this.invalid', pid: 1, runId: 'run-1' };

describe('acquireStackLock', () => {
  it('checks the lease before a phase: a lock taken away fails with `lost lock`, tells onLost once, and is not released', async () => {
    const store = new MemoryStore();
    let lost = 0;
    let clock = Date.parse('2026-11-27T00:00:00Z');
    const lock = await acquireStackLock({
      store,
      stack: 'app',
      holder,
      ttlMs: 60_000,
      timeoutMs: 0,
      pollMs: 10,
      now: () => new Date(clock),
      onLost: () => (lost += 1),
    });
    await lock.assertHeld();
    await store.forceUnlock('app');
    const other = { host: 'other.invalid', pid: 2, runId: 'run-2' };
    expect((await store.acquireLock('app', other, 60_000, new Date(clock))).acquired).toBe(true);

    // Past the moment in which a just-taken lease needs no renewal.
    clock += 2_000;
    await expect(lock.assertHeld()).rejects.toMatchObject({ code: 'E_LOCK_LOST', message: 'lost lock' });
    await expect(lock.assertHeld()).rejects.toMatchObject({ code: 'E_LOCK_LOST' });
    expect(lost).toBe(1);
    // A lost lock hands back no release: the row is someone else's.
    expect(await lock.stop()).toBeUndefined();
    expect((await store.listLocks()).map((row) => row.runId)).toEqual(['run-2']);
  });

  it('renews before a phase only once a thirtieth of the TTL has passed since the lease was taken or renewed', async () => {
    const renewals: number[] = [];
    let clock = Date.parse('2026-11-27T00:00:00Z');
    const store = new (class extends MemoryStore {
      override renewLock(...args: Parameters<MemoryStore['renewLock']>): ReturnType<MemoryStore['renewLock']> {
        renewals.push(args[3].getTime() - Date.parse('2026-11-27T00:00:00Z'));
        return super.renewLock(...args);
      }
    })();
    const lock = await acquireStackLock({ store, stack: 'app', holder, ttlMs: 60_000, timeoutMs: 0, pollMs: 10, now: () => new Date(clock), onLost: () => undefined });
    await lock.assertHeld();
    clock += 1_999;
    await lock.assertHeld();
    expect(renewals).toEqual([]);
    clock += 1;
    await lock.assertHeld();
    expect(renewals).toEqual([2_000]);
    // Counted from that renewal now.
    clock += 1_999;
    await lock.assertHeld();
    clock += 1;
    await lock.assertHeld();
    expect(renewals).toEqual([2_000, 4_000]);
    await (await lock.stop())?.();
  });

  it('tells onWait once, before the first wait for another holder, and not at all when the lock is free', async () => {
    const store = new MemoryStore();
    const other = { host: 'other.invalid', pid: 2, runId: 'run-0' };
    await store.acquireLock('app', other, 60_000, new Date());
    let waits = 0;
    setTimeout(() => void store.releaseLock('app', other), 80);
    const lock = await acquireStackLock({
      store,
      stack: 'app',
      holder,
      ttlMs: 60_000,
      timeoutMs: 5_000,
      pollMs: 10,
      now: () => new Date(),
      onLost: () => undefined,
      onWait: async () => {
        waits += 1;
      },
    });
    expect(waits).toBe(1);
    // stop() hands back the release instead of making it: the row stays until that write runs.
    const release = await lock.stop();
    expect((await store.listLocks()).map((row) => row.pid)).toEqual([1]);
    await release?.();
    expect(await store.listLocks()).toEqual([]);

    const free = await acquireStackLock({ store, stack: 'app', holder, ttlMs: 60_000, timeoutMs: 0, pollMs: 10, now: () => new Date(), onLost: () => undefined, onWait: async () => void (waits += 1) });
    expect(waits).toBe(1);
    await (await free.stop())?.();
  });
});
