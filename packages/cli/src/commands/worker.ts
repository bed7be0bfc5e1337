import { requireQueueStore } from '@stackfleet/runner';
import type { CommandContext } from '../command-context.js';
import { openStore } from '../runtime/open-runtime.js';
import { listenForInterrupts } from '../runtime/interrupts.js';
import { createClaimPreparer } from '../worker/prepare-claim.js';
import { runWorkerLoop } from '../worker/run-worker.js';
import { readLockTuning, resolveConcurrency } from './execute-run.js';

export interface WorkerFlags {
  pool?: string;
  once?: boolean;
  /** Milliseconds: parsed at the flag. */
  idleExit?: number;
  /** Milliseconds: parsed at the flag. */
  lease?: number;
}

const DEFAULT_LEASE_MS = 30_000;
/** How long a worker keeps an unused database connection: a run queued within it starts on open ones. */
const WORKER_IDLE_CONNECTION_MS = 10 * 60_000;

/**
 * `stackfleet worker [--pool NAME] [-j N] [--once] [--idle-exit D] [--lease D]`:
 * runs stacks of runs queued with `--remote` in this fleet's PostgreSQL store.
 * Exit 0 when it stops (idle, --once, Ctrl-C); 1 when it cannot start.
 */
export async function runWorkerCommand(context: CommandContext, flags: WorkerFlags): Promise<number> {
  const fleet = context.readFleet();
  // A worker keeps its connections between runs (see `openConnections` in the loop).
  const store = requireQueueStore(openStore(fleet, context.io.env, { idleTimeoutMs: WORKER_IDLE_CONNECTION_MS }), 'stackfleet worker');
  const preparer = createClaimPreparer(fleet, context.io.env, context.note);
  // In the background: the worker says hello and listens meanwhile.
  void preparer.prepareAhead();
  const interrupts = listenForInterrupts(() => context.note('worker: stopping: no new stacks; waiting for running ones (Ctrl-C again to interrupt them)'));
  try {
    await runWorkerLoop({
      store,
      fleet,
      preparer,
      env: context.io.env,
      pool: flags.pool ?? 'default',
      concurrency: resolveConcurrency(context, fleet),
      once: Boolean(flags.once),
      ...(flags.idleExit === undefined ? {} : { idleExitMs: flags.idleExit }),
      leaseMs: flags.lease ?? DEFAULT_LEASE_MS,
      ...(context.io.env.STACKFLEET_WORKER_POLL_MS ? { pollMs: Number(context.io.env.STACKFLEET_WORKER_POLL_MS) } : {}),
      signal: interrupts.signal,
      forceSignal: interrupts.forceSignal,
      lockTuning: readLockTuning(context.io.env),
      note: context.note,
    });
    return 0;
  } finally {
    interrupts.dispose();
    await preparer.release();
    await store.close();
  }
}
