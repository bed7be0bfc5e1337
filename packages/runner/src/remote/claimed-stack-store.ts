import type { LockHolder, Outputs, RunCommand, StackClaim, StackRunRecord, Store, StoredOutputs } from '@stackfleet/core';
import type { QueueStore } from './remote-payload.js';

/** The store as the engine sees it while a worker runs a claimed stack, and what it kept for the completion. */
export interface ClaimedStackStore {
  store: Store;
  /** From now on a progress record is kept for the completion's transaction instead of written on its own. */
  deferRecords(): void;
  finalRecord(): StackRunRecord | undefined;
  /** What the stack's apply produced: stored by the completion, under the fence. */
  appliedOutputs(): Outputs | undefined;
  /** The stack lock the engine let go of, to release with the completion. */
  takeHeldLock(): LockHolder | undefined;
}

export interface ClaimedStackStoreOptions {
  command: RunCommand;
  /** A log path as the shared records hold it (relative to the worker's checkout). */
  shareable: (path: string) => string;
  /** A fenced write was refused: the claim was taken over. */
  onLost: () => void;
}

/**
 * Every write of a claimed stack is fenced by its claim, and the last ones
 * ride the completion's transaction: progress records go through
 * `putClaimedStackRun`, the last record and the outputs are kept for
 * `completeStack`, and so is the release of the stack's lock (one round trip
 * less between a stack and the worker's next). An apply's previous outputs
 * (its dependents' trigger), which the engine reads after the `applying`
 * record, are read as soon as the lock is held: under the lock nobody else
 * writes them, and this stack's own are stored only by the completion. (The
 * lock itself used to be taken ahead, beside the stack's `running` record;
 * the engine now takes it before writing any record, so there is no round
 * trip left to hide it behind.)
 */
export function createClaimedStackStore(store: QueueStore, claim: StackClaim, options: ClaimedStackStoreOptions): ClaimedStackStore {
  let deferred = false;
  let finalRecord: StackRunRecord | undefined;
  let appliedOutputs: Outputs | undefined;
  let releasedLock: LockHolder | undefined;
  let ownOutputs: Promise<StoredOutputs | undefined> | undefined;
  let ownOutputsTaken = false;
  const fenced = overrideStore(store, {
    putStackRun: async (record) => {
      const shared = record.logFile === undefined ? record : { ...record, logFile: options.shareable(record.logFile) };
      if (deferred) {
        finalRecord = shared;
        return;
      }
      if (!(await store.putClaimedStackRun(claim, shared))) options.onLost();
    },
    // Rows written together would bypass the fence above: the engine then writes them one by one, through it.
    putStackRuns: undefined,
    writeTogether: undefined,
    setOutputs: async (_stack, outputs) => {
      appliedOutputs = outputs;
    },
    acquireLock: async (stack, holder, ttlMs, now) => {
      const result = await store.acquireLock(stack, holder, ttlMs, now);
      if (result.acquired && stack === claim.stack && options.command === 'apply' && ownOutputs === undefined) {
        ownOutputs = store.getOutputs(stack);
        ownOutputs.catch(() => undefined);
      }
      return result;
    },
    getOutputs: (stack) => {
      if (stack !== claim.stack || ownOutputs === undefined || ownOutputsTaken) return store.getOutputs(stack);
      ownOutputsTaken = true;
      return ownOutputs;
    },
    releaseLock: async (stack, holder) => {
      if (stack === claim.stack && releasedLock === undefined) releasedLock = holder;
      else await store.releaseLock(stack, holder);
    },
    // The worker closes its store itself, once.
    close: async () => undefined,
  });
  return {
    store: fenced,
    deferRecords: () => {
      deferred = true;
    },
    finalRecord: () => finalRecord,
    appliedOutputs: () => appliedOutputs,
    takeHeldLock: () => releasedLock,
  };
}

/** `store` with some methods replaced; every other one (present or added later) still reaches the store. */
function overrideStore(store: Store, overrides: Partial<Store>): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (Object.hasOwn(overrides, property)) return overrides[property as keyof Store];
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
