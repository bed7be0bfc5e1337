/**
 * The contract of a shared work queue for distributed runs: a run is queued as
 * its stacks with dependency counters; workers claim ready stacks under a
 * lease, renew it by heartbeat, and finish a stack in one step that is guarded
 * by a fencing token, so a worker whose lease was taken over can neither
 * commit outputs nor mark anything done. `state` implements it on PostgreSQL.
 */
import type { RunEvent, RunStatus, StackStatus } from './events.js';
import type { Outputs } from './model.js';
import type { LockHolder, StackRunRecord } from './store.js';

export interface QueuedStack {
  stack: string;
  /** Worker pool that may run it. @default "default" */
  pool: string;
  labels: string[];
  /** Longest remaining chain (critical path): higher goes first, ties by name. */
  priority: number;
  /** Upstreams inside this run: the stack is ready once all of them finished well. */
  needs: string[];
  /** In the run only as a dependent of a selected stack (trigger semantics: see `StackClaim.upstreams`). @default false */
  onlyAsDependent?: boolean;
}

export interface QueuedRun {
  runId: string;
  /** Everything a worker needs to run a stack of this run (command, selection, repo shas…), as JSON. */
  payload: unknown;
  /** `settings.limits`: label -> most running stacks with it, across every worker. */
  limits: Record<string, number>;
  stacks: QueuedStack[];
}

export interface WorkerIdentity {
  /** Unique per worker process, e.g. `host:pid:random`. */
  id: string;
  pool: string;
}

/** A stack a worker holds: valid while `fence` is the node's current token and the lease lives. */
export interface StackClaim {
  runId: string;
  stack: string;
  workerId: string;
  fence: number;
  attempt: number;
  leaseExpiresAt: string;
  payload: unknown;
  onlyAsDependent: boolean;
  /**
   * The stack's in-run upstreams and whether each apply changed its outputs
   * (undefined: not known, e.g. not an apply). Read only for a stack in the
   * run only as a dependent (empty otherwise): the engine's trigger rule needs no more.
   */
  upstreams: Array<{ stack: string; outputsChanged?: boolean }>;
}

export interface StackResult {
  status: StackStatus;
  /** The stack's last progress record (`stack_runs`), written in the same transaction. */
  record?: StackRunRecord;
  reason?: string;
  /** Stored as the stack's outputs in the same transaction as the completion. */
  outputs?: Outputs;
  /** Appended to the run's events in the same transaction (its `stack.finished`), so no dependent's events come first. */
  events?: RunEvent[];
  /** Whether the stack's apply changed its outputs (false also for `unchanged`): its dependents' trigger. */
  outputsChanged?: boolean;
  /**
   * The stack lock the worker took for it, released in the same transaction
   * (only while the lock still names this holder; also when the fence moved):
   * one round trip less between a stack and the worker's next.
   */
  releaseLock?: LockHolder;
}

/** What a worker asks for with a completion: its next stacks, claimed in the same transaction. */
export interface ClaimNext {
  worker: WorkerIdentity;
  /** How many at most: the slot the finished stack frees plus any other free `-j` slot. */
  limit: number;
  leaseMs: number;
  now: Date;
}

export interface StackCompletion {
  /** false (and nothing written, nothing claimed) when the fence moved: the lease was taken over. */
  committed: boolean;
  /** Stacks claimed in the same transaction (see `ClaimNext`), best first. */
  claims: StackClaim[];
  /** Nothing of the run is waiting, ready or claimed any more: the caller closes it (`finishQueuedRun`). */
  drained: boolean;
}

/** One stored event of a run, in the order followers see it. */
export interface StoredRunEvent {
  seq: number;
  event: RunEvent;
}

/** A worker seen recently, for "no live worker in pool X". */
export interface LiveWorker {
  id: string;
  pool: string;
  lastSeenAt: string;
}

export type QueueNodeState = 'waiting' | 'ready' | 'claimed' | 'done' | 'skipped';

export interface QueueNode {
  stack: string;
  pool: string;
  state: QueueNodeState;
  status?: StackStatus;
  reason?: string;
  workerId?: string;
  attempt: number;
  /** While claimed: when the holder's lease ends unless renewed (a later time means a live worker holds it). */
  leaseExpiresAt?: string;
}

/** What a queue listener hears: stacks of the fleet became claimable, or a run got new events. */
export type QueueChange = { kind: 'ready' } | { kind: 'events'; runId: string };

export interface WorkQueue {
  /**
   * Queues a run's stacks and, for a recorded run (`createRun`), writes each
   * one's `pending` record (in the stacks' order, replacing an earlier
   * attempt's); queueing a run id again (resume) first removes what was left of its queue.
   */
  enqueueRun(run: QueuedRun): Promise<void>;
  /** The best ready stack of `worker.pool` within the label limits, or undefined. Expired leases count as ready. */
  claimStack(worker: WorkerIdentity, leaseMs: number, now: Date): Promise<StackClaim | undefined>;
  /** Up to `limit` of the best ready stacks (as `claimStack`) in one transaction, best first. */
  claimStacks(worker: WorkerIdentity, limit: number, leaseMs: number, now: Date): Promise<StackClaim[]>;
  /** Extends the lease; false = the lease was lost (taken over or the run cancelled): stop the stack. */
  renewClaim(claim: StackClaim, leaseMs: number, now: Date): Promise<boolean>;
  /**
   * Finishes the stack, stores its outputs, events and last record, releases
   * or skips its dependents, and (with `next`) claims the worker's next
   * stacks, all in one transaction; not committed (nothing written) when the
   * fence moved.
   */
  completeStack(claim: StackClaim, result: StackResult, next?: ClaimNext): Promise<StackCompletion>;
  /** Stops handing out stacks of the run; running ones see their lease refused at the next renewal. */
  cancelRun(runId: string): Promise<void>;
  listNodes(runId: string): Promise<QueueNode[]>;
  /** Whether no stack of the run is waiting, ready or claimed. */
  isRunDrained(runId: string): Promise<boolean>;
  /** The queued run's payload and whether it was cancelled; undefined when the run was never queued. */
  getQueuedRun(runId: string): Promise<{ payload: unknown; cancelled: boolean } | undefined>;
  /**
   * Appends events in order (one transaction). With `claim`, only while the
   * claim still holds its fence: false and nothing written otherwise.
   */
  appendRunEvents(runId: string, events: RunEvent[], claim?: StackClaim): Promise<boolean>;
  /** Events after `afterSeq`, oldest first (at most `limit`). */
  readRunEvents(runId: string, afterSeq: number, limit?: number): Promise<StoredRunEvent[]>;
  /** The seq of the run's newest event (0 when none): a resumed run is followed from there. */
  readLastRunEventSeq(runId: string): Promise<number>;
  /** Writes a stack's progress only while `claim` holds its fence. */
  putClaimedStackRun(claim: StackClaim, record: StackRunRecord): Promise<boolean>;
  /**
   * Finishes a drained run once: records its status and appends `events`
   * (skipped stacks, `run.finished`) in one transaction; false when someone else already did.
   */
  finishQueuedRun(runId: string, status: RunStatus, finishedAt: string, events: RunEvent[]): Promise<boolean>;
  /** Heartbeat of a worker process (also while idle). */
  recordWorker(worker: WorkerIdentity, now: Date): Promise<void>;
  /** Workers seen since `since`. */
  listLiveWorkers(since: Date): Promise<LiveWorker[]>;
  /**
   * Calls `onChange` soon after any process made stacks of the fleet
   * claimable or appended events to a run, so workers and followers can
   * sleep between polls instead of polling fast. Best effort: callers still
   * poll (an expired lease notifies nobody). Resolves to "stop listening".
   */
  watchQueue?(onChange: (change: QueueChange) => void): Promise<() => Promise<void>>;
  /**
   * Opens up to `count` connections now (a worker, at start): the first
   * stacks of a run then find them ready instead of each setting one up
   * (a server process, authentication, catalog caches: tens of milliseconds).
   * Best effort: resolves when done, never rejects.
   */
  openConnections?(count: number): Promise<void>;
}
