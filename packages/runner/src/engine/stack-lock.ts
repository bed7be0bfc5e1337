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
  /** Told when a heartbeat finds the lock gone (expired and taken over). */
  onLost: () => void;
}

/** A held lock; `release` stops the heartbeat and deletes the lock row. */
export interface HeldStackLock {
  release(): Promise<void>;
}

/**
 * Takes the exclusive lock on a stack, waiting up to `timeoutMs` for another
 * holder, then keeps the lease alive with a heartbeat every `ttlMs / 3`: a
 * crashed holder's lease expires instead of blocking the stack forever.
 *
 * @throws StackfleetError `E_STACK_LOCKED` naming the holder, host, pid and run.
 */
export async function acquireStackLock(options: AcquireStackLockOptions): Promise<HeldStackLock> {
  const { store, stack, holder, ttlMs } = options;
  const deadline = options.now().getTime() + options.timeoutMs;
  for (;;) {
    const result = await store.acquireLock(stack, holder, ttlMs, options.now());
    if (result.acquired) break;
    if (options.now().getTime() >= deadline || options.signal?.aborted) throw lockedError(stack, result.heldBy);
    await sleep(Math.min(options.pollMs, Math.max(1, deadline - options.now().getTime())), options.signal);
  }

  let renewing: Promise<unknown> = Promise.resolve();
  const heartbeat = setInterval(() => {
    renewing = store.renewLock(stack, holder, ttlMs, options.now()).then(
      (renewed) => renewed || options.onLost(),
      () => options.onLost(),
    );
  }, Math.max(1, Math.floor(ttlMs / 3)));
  heartbeat.unref();

  return {
    async release() {
      clearInterval(heartbeat);
      await renewing;
      await store.releaseLock(stack, holder);
    },
  };
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
