import { relative, sep } from 'node:path';
import type { ChangeSummary, ClaimNext, PlannedStack, StackClaim, StackCompletion, StackStatus } from '@stackfleet/core';
import { buildMaskerFrom, readStoredSensitiveValues } from '../mask/build-run-masker.js';
import { maskEvent } from '../mask/mask-event.js';
import { createEngineRun } from '../engine/engine-run.js';
import { executeStack } from '../engine/execute-stack.js';
import { readRunSecrets } from '../engine/read-run-secrets.js';
import type { RunOptions, StackOutcome } from '../engine/types.js';
import { toRunReporter, type RunListener } from '../run/run-reporter.js';
import { createClaimEventSink } from './claim-event-sink.js';
import { createClaimedStackStore } from './claimed-stack-store.js';
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
  const claimed = createClaimedStackStore(store, claim, {
    command: payload.command,
    shareable,
    onLost: markLost,
  });
  const run = createEngineRun(payload.command, [planned], {
    ...engineOptions,
    runId: claim.runId,
    store: claimed.store,
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
  claimed.deferRecords();
  // With what the engine deferred to it (the release of the stack's lock): kept for the completion.
  await run.putFinalState(planned.name, record);
  const finished = maskEvent(event.logFile === undefined ? event : { ...event, logFile: shareable(event.logFile) }, run.masker);
  const outputsChanged = run.outputsChanged.get(planned.name);
  // The last buffered lines go in the completion's transaction, before stack.finished.
  const rest = await sink.takeRest();
  let completion: StackCompletion | undefined;
  const heldLock = claimed.takeHeldLock();
  const appliedOutputs = claimed.appliedOutputs();
  const finalRecord = claimed.finalRecord();
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
