import { describe, expect, it } from 'vitest';
// Test-only helpers: the runner never depends on test-utils at runtime.
import { MemoryStore } from '@stackfleet/test-utils';
import { acquireStackLock } from './stack-lock.js';

const holder = { host: 'this.invalid', pid: 1, runId: 'run-1' };

describe('acquireStackLock', () => {
  it('checks the lease before a phase: a lock taken away fails with `lost lock`, tells onLost once, and is not released', async () => {
    const store = new MemoryStore();
    let lost = 0;
    const lock = await acquireStackLock({
      store,
      stack: 'app',
      holder,
      ttlMs: 60_000,
      timeoutMs: 0,
      pollMs: 10,
      now: () => new Date(),
      onLost: () => (lost += 1),
    });
    await lock.assertHeld();
    await store.forceUnlock('app');
    const other = { host: 'other.invalid', pid: 2, runId: 'run-2' };
    expect((await store.acquireLock('app', other, 60_000, new Date())).acquired).toBe(true);

    await expect(lock.assertHeld()).rejects.toMatchObject({ code: 'E_LOCK_LOST', message: 'lost lock' });
    await expect(lock.assertHeld()).rejects.toMatchObject({ code: 'E_LOCK_LOST' });
    expect(lost).toBe(1);
    await lock.release();
    expect((await store.listLocks()).map((row) => row.runId)).toEqual(['run-2']);
  });
});
