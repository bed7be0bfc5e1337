import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { formatDuration, type ClaimNext, type RunEvent, type StackClaim, type WorkerIdentity } from '@stackfleet/core';
import {
  createLogFileReporter,
  executeClaimedStack,
  finishDrainedRun,
  parseRemotePayload,
  readStoredSensitiveValues,
  type QueueStore,
} from '@stackfleet/runner';
import type { Fleet } from '../manifest/read-manifest.js';
import { createWorkerPolicyGate } from '../policy/create-worker-policy-gate.js';
import type { ClaimPreparer } from './prepare-claim.js';

export interface WorkerLoopOptions {
  store: QueueStore;
  fleet: Fleet;
  preparer: ClaimPreparer;
  env: Record<string, string | undefined>;
  pool: string;
  /** Stacks this worker runs at once (`-j`). */
  concurrency: number;
  /** Run one stack, then exit. */
  once: boolean;
  /** Exit after this long with nothing to do. */
  idleExitMs?: number;
  /** Claim lease; renewed every third of it. */
  leaseMs: number;
  /** Poll interval while idle. @default 500 */
  pollMs?: number;
  /** First Ctrl-C / SIGTERM: claim nothing new, let running stacks finish. */
  signal: AbortSignal;
  /** Second: forward SIGINT to running stacks (they end failed). */
  forceSignal: AbortSignal;
  lockTuning: { lockTtlMs?: number; lockPollMs?: number };
  note: (message: string) => void;
}

export interface WorkerSummary {
  ran: number;
  failed: number;
}

/** How long a stack's processes get after SIGINT (lost lease, cancelled run) before SIGKILL. */
const STOP_GRACE_MS = 10_000;
/** How often a worker that lost the database tries again. */
const UNREACHABLE_RETRY_MS = 2_000;
/** Heartbeat of the worker itself (for "no live worker in pool X"). */
const WORKER_HEARTBEAT_MS = 5_000;

/**
 * `stackfleet worker`: claims ready stacks of its pool from every run queued
 * for this fleet, at most `concurrency` at once, and runs each with the local
 * engine (`executeClaimedStack`), renewing the claim's lease every third of
 * it. A lease the queue refuses (taken over after this worker stalled, or
 * the run cancelled) sends SIGINT to the stack's processes at once.
 */
export async function runWorkerLoop(options: WorkerLoopOptions): Promise<WorkerSummary> {
  const { store, note } = options;
  const identity: WorkerIdentity = { id: `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`, pool: options.pool };
  const pollMs = options.pollMs ?? 500;
  const running = new Set<Promise<void>>();
  // Slots held: stacks running, plus claims in flight (a completion's claim of the next stacks reserves the free ones).
  let busy = 0;
  const summary: WorkerSummary = { ran: 0, failed: 0 };
  let claimedAny = false;
  let lastBusy = Date.now();
  let lastSeen = 0;
  let wake: (() => void) | undefined;
  // Something happened while we were not sleeping (a notification, a stack ended): look again before sleeping.
  let woken = false;
  const wakeUp = (): void => {
    woken = true;
    wake?.();
  };
  /**
   * Runs a claim in a slot of its own (counted in `busy` until it ends). Its completion claims
   * the next stacks in the same transaction: its own slot plus every free
   * one (reserved meanwhile), unless the worker is stopping or runs `--once`.
   */
  const startClaim = (claim: StackClaim): void => {
    claimedAny = true;
    busy += 1;
    let reserved = 0;
    const claimNext = (): ClaimNext | undefined => {
      if (options.signal.aborted || options.once) return undefined;
      reserved = Math.max(0, options.concurrency - busy);
      busy += reserved;
      return { worker: identity, limit: 1 + reserved, leaseMs: options.leaseMs, now: new Date() };
    };
    const task: Promise<void> = runClaim(options, claim, summary, claimNext)
      .then((next) => {
        busy -= reserved;
        reserved = 0;
        for (const nextClaim of next) startClaim(nextClaim);
      })
      .catch((error: unknown) => note(`worker: ${claim.runId} ${claim.stack}: ${describe(error)}`))
      .finally(() => {
        busy -= reserved + 1;
        running.delete(task);
        lastBusy = Date.now();
        wakeUp();
      });
    running.add(task);
  };
  note(`worker ${identity.id}: pool "${options.pool}", -j ${options.concurrency}, lease ${formatDuration(options.leaseMs)}`);
  options.signal.addEventListener('abort', wakeUp, { once: true });
  // The first contact must work: a wrong URL or password is an error now, not a retry loop.
  await store.recordWorker(identity, new Date());
  lastSeen = Date.now();
  // In the background: a run's first stacks then start on open connections.
  void store.openConnections?.(2 * options.concurrency);
  // Stacks made ready by another worker's completion (or a new run) wake us at once; polling stays for expired leases.
  const unwatch = await store.watchQueue?.((change) => {
    if (change.kind === 'ready') wakeUp();
  }).catch((error: unknown) => {
    note(`worker ${identity.id}: cannot listen for queue notifications (${describe(error)}); polling every ${formatDuration(pollMs)}`);
    return undefined;
  });
  let unreachableSince: number | undefined;
  try {
    for (;;) {
      if (options.signal.aborted || (options.once && claimedAny)) break;
      woken = false;
      let claims: StackClaim[] = [];
      try {
        if (Date.now() - lastSeen >= WORKER_HEARTBEAT_MS) {
          lastSeen = Date.now();
          await store.recordWorker(identity, new Date());
        }
        // Every free slot in one claim (one transaction), best stacks first.
        const free = options.once ? Math.min(1, options.concurrency - busy) : options.concurrency - busy;
        if (free > 0) {
          busy += free;
          try {
            claims = await store.claimStacks(identity, free, options.leaseMs, new Date());
          } finally {
            busy -= free;
          }
        }
        if (unreachableSince !== undefined) note(`worker ${identity.id}: the database answers again`);
        unreachableSince = undefined;
      } catch (error) {
        // A restart or failover of the database: keep trying; running stacks go on (their leases cover missed beats).
        if (unreachableSince === undefined) note(`worker ${identity.id}: ${describe(error)}; retrying every ${formatDuration(UNREACHABLE_RETRY_MS)}`);
        unreachableSince ??= Date.now();
        if (running.size === 0 && options.idleExitMs !== undefined && Date.now() - lastBusy >= options.idleExitMs) throw error;
        await new Promise((resolve) => setTimeout(resolve, UNREACHABLE_RETRY_MS));
        continue;
      }
      if (claims.length > 0) {
        for (const claim of claims) startClaim(claim);
        continue;
      }
      if (running.size === 0 && options.idleExitMs !== undefined && Date.now() - lastBusy >= options.idleExitMs) {
        note(`worker ${identity.id}: idle for ${formatDuration(options.idleExitMs)}, exiting`);
        break;
      }
      if (!woken) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, pollMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      wake = undefined;
    }
    // A stack ending may still start the ones its completion claimed: wait until none is left.
    while (running.size > 0) await Promise.all(running);
  } finally {
    options.signal.removeEventListener('abort', wakeUp);
    await unwatch?.();
  }
  return summary;
}

/** Runs one claimed stack; resolves to the stacks its completion claimed next (see `claimNext`). */
async function runClaim(options: WorkerLoopOptions, claim: StackClaim, summary: WorkerSummary, claimNext: () => ClaimNext | undefined): Promise<StackClaim[]> {
  const { store, note } = options;
  const label = `${claim.runId} ${claim.stack}`;
  note(`worker: ${label}: claimed (attempt ${claim.attempt})`);
  const interrupt = new AbortController();
  const force = new AbortController();
  const stop = (why: string): void => {
    if (interrupt.signal.aborted) return;
    note(`worker: ${label}: ${why}; stopping its processes`);
    interrupt.abort(new Error(why));
    setTimeout(() => force.abort(new Error(why)), STOP_GRACE_MS).unref();
  };
  const onForce = (): void => {
    interrupt.abort(new Error('worker stopped'));
    force.abort(new Error('worker stopped'));
  };
  options.forceSignal.addEventListener('abort', onForce, { once: true });
  const heartbeat = setInterval(() => {
    store
      .renewClaim(claim, options.leaseMs, new Date())
      .then((held) => {
        if (!held) stop('lease lost (run cancelled, or taken over)');
      })
      // A database hiccup: try again at the next beat; the lease covers two more.
      .catch(() => undefined);
  }, Math.max(1, Math.floor(options.leaseMs / 3)));
  try {
    const payload = parseRemotePayload(claim.payload, claim.runId);
    let prepared;
    let policyGate;
    try {
      prepared = await options.preparer.prepare(payload);
      if (!prepared.manifest.stacks[claim.stack]) throw new Error(`stack "${claim.stack}" is not in ${payload.manifestPath} at the run's commit`);
      policyGate = createWorkerPolicyGate(prepared.fleet, store, payload, options.env);
    } catch (error) {
      await refuseClaim(store, claim, error);
      summary.failed += 1;
      note(`worker: ${label}: refused: ${describe(error)}`);
      return [];
    }
    const result = await executeClaimedStack({
      store,
      claim,
      payload,
      planned: { name: claim.stack, needs: claim.upstreams.map((upstream) => upstream.stack), reason: 'queued', onlyAsDependent: claim.onlyAsDependent },
      listeners: [createLogFileReporter(options.fleet.stateDir)],
      pathsRelativeTo: prepared.workerRepoRoot,
      storedSensitiveValues: readMaskerValues(store, claim.runId, Object.keys(prepared.manifest.stacks)),
      onLost: () => stop('lease lost'),
      claimNext,
      manifest: prepared.manifest,
      manifestDir: prepared.manifestDir,
      repoDirs: prepared.repoDirs,
      stateDir: options.fleet.stateDir,
      env: options.env,
      adapters: options.preparer.adapters,
      ...(policyGate ? { policyGate } : {}),
      // Plan policies judge a destroy's plan here, between planning and destroying it (`destroy --remote`).
      ...(policyGate && payload.command === 'destroy' ? { judgeDestroyPlans: true } : {}),
      signal: interrupt.signal,
      forceSignal: force.signal,
      ...options.lockTuning,
      // A worker killed on another host holds its locks until they expire.
      lockTimeoutMs: 2 * (options.lockTuning.lockTtlMs ?? 60_000),
    });
    summary.ran += 1;
    if (result.status === 'failed') summary.failed += 1;
    note(`worker: ${label}: ${result.committed ? result.status : `${result.status}, not committed (lease lost)`} (${formatDuration(result.durationMs)})`);
    if (result.drained) await finishDrainedRun(store, claim.runId, new Date());
    return result.next;
  } finally {
    clearInterval(heartbeat);
    options.forceSignal.removeEventListener('abort', onForce);
  }
}

/** A stack this worker cannot run (commit unavailable, unreadable payload): failed, saying why, where followers read it. */
async function refuseClaim(store: QueueStore, claim: StackClaim, error: unknown): Promise<void> {
  const at = new Date().toISOString();
  const reason = describe(error);
  const hint = (error as { hint?: string }).hint;
  const events: RunEvent[] = [
    { type: 'stack.started', runId: claim.runId, stack: claim.stack, at },
    { type: 'stack.log', runId: claim.runId, stack: claim.stack, stream: 'stderr', line: `stackfleet worker: ${reason}`, at },
    ...(hint ? [{ type: 'stack.log', runId: claim.runId, stack: claim.stack, stream: 'stderr', line: `hint: ${hint}`, at } satisfies RunEvent] : []),
    { type: 'stack.finished', runId: claim.runId, stack: claim.stack, status: 'failed', durationMs: 0, reason, at },
  ];
  const record = { runId: claim.runId, stack: claim.stack, state: 'failed' as const, attempt: claim.attempt, finishedAt: at, durationMs: 0, reason };
  if ((await store.completeStack(claim, { status: 'failed', reason, events, record })).drained) await finishDrainedRun(store, claim.runId, new Date());
}

/**
 * The stored sensitive outputs the masker starts from, read once per run by
 * this worker (see `storedSensitiveValues`); outputs applied during the run
 * reach the masker as each stack reads its upstreams. Only the last few runs are kept.
 */
const maskerValues = new Map<string, Promise<readonly string[]>>();
function readMaskerValues(store: QueueStore, runId: string, stacks: readonly string[]): Promise<readonly string[]> {
  let values = maskerValues.get(runId);
  if (!values) {
    values = readStoredSensitiveValues(store, stacks);
    maskerValues.set(runId, values);
    for (const old of [...maskerValues.keys()].slice(0, -8)) maskerValues.delete(old);
  }
  return values;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
