import { relative, sep } from 'node:path';
import type { ChangeSummary, ClaimNext, LockHolder, Outputs, PlannedStack, StackClaim, StackCompletion, StackRunRecord, StackStatus, Store, StoredOutputs } from '@stackfleet/core';
import { buildMaskerFrom, readStoredSensitiveValues } from '../mask/build-run-masker.js';
import { maskEvent } from '../mask/mask-event.js';
import { createEngineRun } from '../engine/engine-run.js';
import { executeStack } from '../engine/execute-stack.js';
import { readRunSecrets } from '../engine/read-run-secrets.js';
import type { RunOptions, StackOutcome } from '../engine/types.js';
import { toRunReporter, type RunListener } from '../run/run-reporter.js';
import { createClaimEventSink } from './claim-event-sink.js';
import type { QueueStore, RemoteRunPayload } from './remote-payload.js';
import { describeFinishedStack } from '../engine/describe-finished-stack.js';
import { settleUnchangedTrigger } from '../engine/unchanged-trigger.js';

export interface ExecuteClaimedStackOptions
  extends Omit<RunOptions, 'runId' | 'reporters' | 'store' | 'alreadyDone' | 'refreshOutputs' | 'runCommand' | 'allDependents' | 'planDestroy'> {
  store: QueueStore;
  claim: StackClaim;
  payload: RemoteRunPayload;
  /** The stack as the run planned it (its in-run upstreams; whether it is in the run only as a dependent). */
  planned: PlannedStack;
  /** Local listeners (the worker's log files), beside the database. */
  listeners: readonly RunListener[];
  /** Called when the claim is found lost (a refused write): stop the stack's processes. */
  onLost: () => void;
  /**
   * Asked when the stack is done: the worker's next stacks to claim in the
   * completion's own transaction (one round of writes per stack less, and no
   * wake-up between a stack and the next); undefined claims nothing.
   */
  claimNext?: () => ClaimNext | undefined;
  /** Milliseconds between event batches. @default 200 */
  flushMs?: number;
  /**
   * The worker's repository root: log paths in records and events are kept
   * relative to it, since a shared database is read from other machines.
   */
  pathsRelativeTo?: string;
  /**
   * The sensitive values of the stored outputs of every stack in the
   * manifest, which the run-wide masker starts from. A worker reads them once
   * per run (`readStoredSensitiveValues`) and passes the same promise for
   * each stack: reading them per stack is one query per stack of the fleet,
   * and walking them per stack quadratic in its size. Upstream outputs are
   * still read fresh (and masked) for each stack. @default read from `store`
   */
  storedSensitiveValues?: Promise<readonly string[]>;
}

export interface ClaimedStackResult extends StackOutcome {
  /** false: the lease was taken over; nothing of this attempt was committed. */
  committed: boolean;
  /** Stacks claimed with the completion (see `claimNext`): the caller runs them. */
  next: StackClaim[];
  /** The run has nothing waiting, ready or claimed any more: the caller closes it (`finishDrainedRun`). */
  drained: boolean;
}

/**
 * Runs one claimed stack of a distributed run with the local engine
 * (`executeStack`: upstream outputs from the store, secrets resolved here on
 * the worker, context files, lock, phases, retries, timeout) and commits it
 * through the queue. Every write is fenced by the claim: progress records and
 * event batches are refused once another worker took the stack over, and the
 * outputs an apply produced are not stored directly but handed to
 * `completeStack`, which stores them, marks the stack done and releases its
 * dependents in one transaction, together with its `stack.finished` event
 * and the release of the stack's lock.
 */
export async function executeClaimedStack(options: ExecuteClaimedStackOptions): Promise<ClaimedStackResult> {
  const { store, claim, payload, planned, listeners, onLost, claimNext, flushMs, pathsRelativeTo, storedSensitiveValues, ...engineOptions } = options;
  const shareable = (path: string): string => (pathsRelativeTo === undefined ? path : relative(pathsRelativeTo, path).split(sep).join('/'));
  let lost = false;
  const markLost = (): void => {
    if (lost) return;
    lost = true;
    onLost();
  };
  const sink = createClaimEventSink(store, claim, { ...(flushMs === undefined ? {} : { intervalMs: flushMs }), onLost: markLost });
  const local = listeners.map(toRunReporter);
  let appliedOutputs: Outputs | undefined;
  // The last record goes in the completion's transaction (under its fence) instead of a write of its own.
  let deferRecord = false;
  let finalRecord: StackRunRecord | undefined;
  // The stack's lock, once the engine let go of it: released in the completion's transaction (or on its own below).
  let heldLock: LockHolder | undefined;
  // This stack's stored outputs, read as soon as its lock is held (an apply reads them before running: see below).
  let ownOutputs: Promise<StoredOutputs | undefined> | undefined;
  let ownOutputsTaken = false;
  const fenced = overrideStore(store, {
    putStackRun: async (record) => {
      const shared = record.logFile === undefined ? record : { ...record, logFile: shareable(record.logFile) };
      if (deferRecord) finalRecord = shared;
      else if (!(await store.putClaimedStackRun(claim, shared))) markLost();
    },
    // Committed with the completion, under the fence (see above).
    setOutputs: async (_stack, outputs) => {
      appliedOutputs = outputs;
    },
    // An apply reads its stack's previous outputs (its dependents' trigger) after writing the `applying`
    // record: they are read as soon as the lock is held, beside that write instead of after it (under
    // the lock nobody else writes them, and this stack's own apply is stored only by the completion).
    acquireLock: async (stack, holder, ttlMs, now) => {
      const result = await store.acquireLock(stack, holder, ttlMs, now);
      if (result.acquired && stack === claim.stack && payload.command === 'apply' && ownOutputs === undefined) {
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
    // Released in the completion's transaction: one round trip less between a stack and the worker's next.
    releaseLock: async (stack, holder) => {
      if (stack === claim.stack && heldLock === undefined) heldLock = holder;
      else await store.releaseLock(stack, holder);
    },
    // The worker closes its store itself, once.
    close: async () => undefined,
  });
  const run = createEngineRun(payload.command, [planned], {
    ...engineOptions,
    runId: claim.runId,
    store: fenced,
    reporters: [sink, ...local],
    ...(payload.runCommand ? { runCommand: payload.runCommand } : {}),
    ...(payload.allDependents ? { allDependents: true } : {}),
    ...(payload.planDestroy ? { planDestroy: true } : {}),
  });
  // What the upstreams' applies did, as their workers committed it: the trigger rule reads it.
  for (const upstream of claim.upstreams) if (upstream.outputsChanged !== undefined) run.outputsChanged.set(upstream.stack, upstream.outputsChanged);
  let outcome: StackOutcome & { logFile?: string; changes?: ChangeSummary };
  try {
    const untriggered = settleUnchangedTrigger(run, planned.name);
    if (untriggered) {
      outcome = untriggered;
    } else {
      run.secrets = await readRunSecrets(run, [planned.name]);
      const stored = await (storedSensitiveValues ?? readStoredSensitiveValues(store, Object.keys(engineOptions.manifest.stacks)));
      run.masker = buildMaskerFrom(run.secrets, run.hiddenEnvValues, stored);
      outcome = await executeStack(run, planned.name);
    }
  } catch (error) {
    // A secret that cannot be read fails this stack (the engine threw before starting it).
    outcome = { status: 'failed', reason: error instanceof Error ? error.message : String(error), durationMs: 0 };
  }
  const reason = outcome.reason === undefined ? undefined : run.masker.mask(outcome.reason);
  const messages = outcome.messages?.map((message) => run.masker.mask(message));
  const status: StackStatus = outcome.status;
  const { record, event } = describeFinishedStack(
    claim.runId,
    planned.name,
    {
      status,
      durationMs: outcome.durationMs,
      ...(reason === undefined ? {} : { reason }),
      ...(outcome.exitCode === undefined ? {} : { exitCode: outcome.exitCode }),
      ...(outcome.changes ? { changes: outcome.changes } : {}),
      ...(outcome.logFile ? { logFile: outcome.logFile } : {}),
      ...(messages === undefined ? {} : { messages }),
    },
    { attempt: claim.attempt, at: run.now().toISOString() },
  );
  deferRecord = true;
  await run.putState(planned.name, record);
  const finished = maskEvent(event.logFile === undefined ? event : { ...event, logFile: shareable(event.logFile) }, run.masker);
  const outputsChanged = run.outputsChanged.get(planned.name);
  // The last buffered lines go in the completion's transaction, before stack.finished.
  const rest = await sink.takeRest();
  let completion: StackCompletion | undefined;
  try {
    completion =
      rest === undefined || lost
        ? undefined
        : await store.completeStack(
            claim,
            {
              status,
              ...(reason === undefined ? {} : { reason }),
              ...(appliedOutputs ? { outputs: appliedOutputs } : {}),
              ...(outputsChanged === undefined ? {} : { outputsChanged }),
              ...(finalRecord ? { record: finalRecord } : {}),
              ...(heldLock ? { releaseLock: heldLock } : {}),
              events: [...rest, finished],
            },
            claimNext?.(),
          );
  } finally {
    // No completion (the lease was lost) or a failed one: the lock is released on its own, as the engine would have.
    if (heldLock && completion === undefined) await store.releaseLock(claim.stack, heldLock).catch(() => undefined);
  }
  for (const reporter of local) reporter.onEvent(finished);
  await Promise.allSettled(local.flatMap((reporter) => (reporter.close ? [reporter.close()] : [])));
  const committed = completion?.committed === true;
  return { status, durationMs: outcome.durationMs, ...(reason === undefined ? {} : { reason }), committed, next: completion?.claims ?? [], drained: completion?.drained ?? false };
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
