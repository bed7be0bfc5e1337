import { emptyRunSummary, formatDuration, type RunStatus, type RunSummary } from '@stackfleet/core';
import type { StackOutcome } from '../engine/types.js';
import { toRunReporter, type RunListener } from '../run/run-reporter.js';
import { finishDrainedRun } from './finish-drained-run.js';
import type { QueueStore } from './remote-payload.js';

export interface FollowRunOptions {
  store: QueueStore;
  runId: string;
  listeners: readonly RunListener[];
  /** First Ctrl-C: cancel the run (workers forward SIGINT to its stacks), keep following until it ends. */
  signal?: AbortSignal;
  /** Second Ctrl-C: stop following at once (the run goes on ending without us). */
  forceSignal?: AbortSignal;
  /** Follow from after this event (`logs --follow` of a run in progress starts at 0). @default 0 */
  afterSeq?: number;
  /** @default 250 */
  pollMs?: number;
  /**
   * After a notification, how long to let more events gather before reading:
   * workers notify once per batch they write (about once per stack), and one
   * read per notification was most of the follower's queries. @default 50
   */
  batchMs?: number;
  /** How often to say that a pool the run waits on has no live worker. @default 30000 */
  noticeMs?: number;
  /** A worker not seen for this long is not live. @default 15000 */
  workerStaleMs?: number;
  /** Messages for the user (stderr): no live worker, cancelling. */
  note: (message: string) => void;
  now?: () => Date;
}

export interface FollowedRun {
  runId: string;
  status: RunStatus;
  summary: RunSummary;
  stacks: Map<string, StackOutcome>;
}


/** Events read at most per query. */
const READ_LIMIT = 2000;

/**
 * Follows a distributed run from the database: hands every event the workers
 * wrote (their `stack.log` lines included) to `listeners` in order, until
 * `run.finished`. While stacks wait on a pool with no live worker it says so
 * every `noticeMs`. A follower that dies leaves the run running; following
 * again (`stackfleet logs RUN --follow`) replays it from the start.
 */
export async function followRun(options: FollowRunOptions): Promise<FollowedRun> {
  const { store, runId } = options;
  const now = options.now ?? (() => new Date());
  const pollMs = options.pollMs ?? 250;
  const batchMs = options.batchMs ?? 50;
  const noticeMs = options.noticeMs ?? 30_000;
  const staleMs = options.workerStaleMs ?? 15_000;
  const reporters = options.listeners.map(toRunReporter);
  const stacks = new Map<string, StackOutcome>();
  let afterSeq = options.afterSeq ?? 0;
  let cancelled = false;
  let lastNotice = now().getTime();
  const forced = new Promise<void>((resolve) => {
    if (options.forceSignal?.aborted) resolve();
    options.forceSignal?.addEventListener('abort', () => resolve(), { once: true });
  });
  // New events of this run wake us at once (polling stays, for a listener that could not connect).
  let notified = false;
  let wake: (() => void) | undefined;
  const unwatch = await store
    .watchQueue?.((change) => {
      if (change.kind !== 'events' || change.runId !== runId) return;
      notified = true;
      wake?.();
    })
    .catch(() => undefined);
  /** Sleeps up to `ms` (only the second Ctrl-C cuts it short unless `wakeable`); true when a notification did. */
  const sleep = async (ms: number, wakeable: boolean): Promise<boolean> => {
    let woken = false;
    await Promise.race([
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        if (!wakeable) return;
        wake = () => {
          woken = true;
          clearTimeout(timer);
          resolve();
        };
      }),
      forced,
    ]);
    wake = undefined;
    return woken;
  };
  // The last wait ended with no notification: the run may be drained with nobody left to close it.
  let quiet = true;
  try {
    for (;;) {
      if (options.signal?.aborted && !cancelled) {
        cancelled = true;
        options.note(`cancelling run ${runId}: workers stop its running stacks (Ctrl-C again to stop following)`);
        await store.cancelRun(runId);
      }
      if (options.forceSignal?.aborted) {
        return { runId, status: 'interrupted', summary: emptyRunSummary(stacks.size), stacks };
      }
      notified = false;
      const batch = await store.readRunEvents(runId, afterSeq, READ_LIMIT);
      for (const { seq, event } of batch) {
        afterSeq = seq;
        for (const reporter of reporters) reporter.onEvent(event);
        if (event.type === 'stack.finished') {
          stacks.set(event.stack, {
            status: event.status,
            durationMs: event.durationMs,
            ...(event.reason === undefined ? {} : { reason: event.reason }),
            ...(event.exitCode === undefined ? {} : { exitCode: event.exitCode }),
          });
        }
        if (event.type === 'run.finished' && (await isFinalEnd(store, runId, seq))) return { runId, status: event.status, summary: event.summary, stacks };
      }
      if (batch.length >= READ_LIMIT) continue;
      // Nothing new for a whole poll: maybe every stack is done and the last worker died before closing the run.
      if (batch.length === 0 && quiet && (await finishDrainedRun(store, runId, now()))) continue;
      if (now().getTime() - lastNotice >= noticeMs) {
        lastNotice = now().getTime();
        await noteMissingWorkers(options, now, staleMs);
      }
      quiet = !notified && !(await sleep(pollMs, true));
      // Events come in bursts (a notification per completion): let them gather a little, then read them at once.
      if (!quiet && !options.forceSignal?.aborted) await sleep(batchMs, false);
    }
  } finally {
    await unwatch?.();
    await Promise.allSettled(reporters.flatMap((reporter) => (reporter.close ? [reporter.close()] : [])));
  }
}

/**
 * A resumed run has a `run.finished` per attempt: only the newest event of a
 * run that is finished ends following (a run reopened by `resume` goes on).
 */
async function isFinalEnd(store: QueueStore, runId: string, seq: number): Promise<boolean> {
  if (seq < (await store.readLastRunEventSeq(runId))) return false;
  return (await store.getRun(runId))?.finishedAt !== undefined;
}

/** "run X waits on pool gpu, where no worker is live": for every pool with ready stacks and no recent worker. */
async function noteMissingWorkers(options: FollowRunOptions, now: () => Date, staleMs: number): Promise<void> {
  const [nodes, workers] = await Promise.all([options.store.listNodes(options.runId), options.store.listLiveWorkers(new Date(now().getTime() - staleMs))]);
  const livePools = new Set(workers.map((worker) => worker.pool));
  const waiting = new Map<string, number>();
  for (const node of nodes) if (node.state === 'ready') waiting.set(node.pool, (waiting.get(node.pool) ?? 0) + 1);
  for (const [pool, count] of [...waiting].sort(([a], [b]) => a.localeCompare(b))) {
    if (livePools.has(pool)) continue;
    options.note(
      `run ${options.runId}: ${count} stack(s) wait for pool "${pool}", which has no live worker (none seen for ${formatDuration(staleMs)}); start one: stackfleet worker --pool ${pool}`,
    );
  }
}
