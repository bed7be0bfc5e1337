import { StackfleetError, type LockHolder, type LockRecord, type Store } from '@stackfleet/core';
import { sleep } from './sleep.js';

export interface AcquireStackLockOptions {
  store: Store;
  stack: string;
  holder: LockHolder;
  ttlMs: number;
  /** 0 = fail at once when someone else holds it. */
  timeoutMs: number;
  pollMs: number;
  now: () => Date;
  signal?: AbortSignal;
  /** Told once, when a heartbeat or `assertHeld` finds the lock gone (expired and taken over, or force-unlocked). */
  onLost: () => void;
  /** Called once, before the first wait for a lock someone else holds. */
  onWait?: () => Promise<void>;
}

/** A held lock; `stop` ends the heartbeat and hands back the write that deletes the lock row. */
export interface HeldStackLock {
  /**
   * Renews the lease now; before each phase, so a holder that stalled past
   * its lease (SIGSTOP, a frozen VM) never starts another phase on a lock
   * someone else took meanwhile. Within a thirtieth of the TTL after the lock
   * was taken or last renewed it only checks that it was not found lost.
   *
   * @throws StackfleetError `E_LOCK_LOST` when the lock is no longer ours.
   */
  assertHeld(): Promise<void>;
  /**
   * Stops the heartbeat and returns the store write that releases the lock,
   * to make now or with the stack's final row; undefined when the lock was
   * lost (someone else's now: releasing it would be a no-op for the store).
   */
  stop(): Promise<(() => Promise<void>) | undefined>;
}

/**
 * Takes the exclusive lock on a stack, waiting up to `timeoutMs` for another
 * holder, then keeps the lease alive with a heartbeat every `ttlMs / 3`: a
 * crashed holder's lease expires instead of blocking the stack forever.
 *
 * @throws StackfleetError `E_STACK_LOCKED` naming the holder, host, pid and run.
 */
/** `assertHeld` skips the renewal within this fraction of the TTL after the last one (2 s of the default 60 s). */
const FRESH_FRACTION = 30;

export async function acquireStackLock(options: AcquireStackLockOptions): Promise<HeldStackLock> {
  const { store, stack, holder, ttlMs } = options;
  const deadline = options.now().getTime() + options.timeoutMs;
  let acquiredAt: Date;
  let waited = false;
  for (;;) {
    const at = options.now();
    const result = await store.acquireLock(stack, holder, ttlMs, at);
    if (result.acquired) {
      acquiredAt = at;
      break;
    }
    if (options.now().getTime() >= deadline || options.signal?.aborted) throw lockedError(stack, result.heldBy);
    if (!waited) {
      waited = true;
      await options.onWait?.();
    }
    await sleep(Math.min(options.pollMs, Math.max(1, deadline - options.now().getTime())), options.signal);
  }

  let lost = false;
  const loseLock = (): void => {
    if (lost) return;
    lost = true;
    clearInterval(heartbeat);
    options.onLost();
  };
  // A renewal that cannot reach the store counts as lost: the lease may run out unseen.
  let renewedAt = acquiredAt.getTime();
  const renew = (): Promise<boolean> => {
    const at = options.now();
    return store.renewLock(stack, holder, ttlMs, at).then(
      (renewed) => {
        if (renewed) renewedAt = at.getTime();
        return renewed;
      },
      () => false,
    );
  };
  let renewing: Promise<unknown> = Promise.resolve();
  const heartbeat = setInterval(() => {
    renewing = renew().then((renewed) => renewed || loseLock());
  }, Math.max(1, Math.floor(ttlMs / 3)));
  heartbeat.unref();

  const stop = async (): Promise<(() => Promise<void>) | undefined> => {
    clearInterval(heartbeat);
    await renewing;
    return lost ? undefined : () => store.releaseLock(stack, holder);
  };

  return {
    async assertHeld() {
      // Taken or renewed a moment ago by the clock the lease is judged by: it cannot have
      // expired, and a renewal now (a store write, before every phase of every stack) would
      // only say so again. A force-unlock in that moment is seen by the next heartbeat.
      if (!lost && options.now().getTime() - renewedAt < ttlMs / FRESH_FRACTION) return;
      if (!lost && (await renew())) return;
      loseLock();
      throw lostLockError(stack);
    },
    stop,
  };
}

/** The reason a stack fails when its lock was taken from it: `lost lock`. */
export function lostLockError(stack: string): StackfleetError {
  return new StackfleetError('E_LOCK_LOST', 'lost lock', {
    hint: `the lock on ${stack} expired and was taken (the process stalled past its lease, e.g. SIGSTOP or a frozen VM) or was force-unlocked; check \`stackfleet locks\` and apply the stack again`,
  });
}

function lockedError(stack: string, lock: LockRecord): StackfleetError {
  return new StackfleetError(
    'E_STACK_LOCKED',
    `stack ${stack} is locked by ${lock.host} pid ${lock.pid} (run ${lock.runId}) since ${lock.acquiredAt}, until ${lock.expiresAt}`,
    {
      hint: `wait for run ${lock.runId} to finish, pass --lock-timeout to wait for it, or run \`stackfleet unlock ${stack}\` if that process is gone`,
    },
  );
}
