/**
 * The shared Store on PostgreSQL: every machine (CI jobs, laptops, workers)
 * that points at one database sees the same runs, locks, outputs and drift.
 * Rows carry a `fleet` identity, so many fleets share one database.
 *
 * Opening is synchronous (like the SQLite store) and the connection and
 * migration happen on first use: every method awaits `ready`, so a database
 * that cannot be reached fails at the first call with `E_STATE_CONNECT`.
 */
import type { Pool } from 'pg';
import type {
  ApprovalRecord,
  ClaimNext,
  StackCompletion,
  PolicyDecisionRecord,
  LiveWorker,
  RunEvent,
  StoredRunEvent,
  QueueChange,
  QueuedRun,
  QueueNode,
  StackClaim,
  StackResult,
  WorkerIdentity,
  WorkQueue,
  DriftRecord,
  LockHolder,
  LockRecord,
  LockResult,
  Outputs,
  RunPolicyPlans,
  RunRecord,
  RunStatus,
  RunHeader,
  SavedPlanRecord,
  StackRunRecord,
  Store,
  StoredOutputs,
} from '@stackfleet/core';
import { StackfleetError } from '@stackfleet/core';
import { isResumableRun, readRunStatus, readThisHost } from '../process-liveness.js';
import { parseStateKey } from '../state-key.js';
import { describePgStorageError } from '../storage-errors.js';
import { applyPgMigrations, latestPgSchemaVersion } from './pg-migrations.js';
import { acquireLockRow, deleteLockRow, releaseLockRow, renewLockRow, selectLocks } from './pg-locks.js';
import { deleteOutputs, readManyOutputs, readOutputs, writeOutputs } from './pg-outputs.js';
import { insertDrift, selectDrift } from './pg-drift.js';
import { insertApproval, insertPolicyDecisions, selectApprovals, selectPolicyDecisions, selectRunPolicyPlans, upsertRunPolicyPlans } from './pg-policy.js';
import { clearSavedPlanFileColumns, deleteSavedPlanRow, selectSavedPlanFile, selectSavedPlans, upsertSavedPlan } from './pg-saved-plans.js';
import {
  insertRun,
  selectRun,
  selectRuns,
  selectRunHeaders,
  selectStackHistory,
  selectStackRuns,
  selectUnfinishedRuns,
  updateRunFinished,
  updateRunReopened,
  upsertStackRun,
} from './pg-runs.js';
import { parseStateUrl, redactStateUrl, stateUrlSecrets } from './state-url.js';
import * as queue from './pg-work-queue.js';
import * as events from './pg-run-events.js';
import { listenQueue } from './pg-queue-notify.js';
import { createPgListenClient, createPgPool, describeConnectionError, isConnectionError, openPgConnections } from './pg-connect.js';

export interface PostgresStoreOptions {
  /** `postgres://USER:PASSWORD@HOST:PORT/DB`. The password is never stored or printed. */
  url: string;
  /**
   * The fleet's identity in the shared database (see `buildFleetIdentity`);
   * a promise when it is still being read from git (opening stays synchronous).
   */
  fleet: string | Promise<string>;
  /** Where `STACKFLEET_STATE_KEY` is read from. @default process.env */
  env?: Record<string, string | undefined>;
  /** This machine's name, compared with lock and run holders. @default os.hostname() */
  hostname?: string;
  /** Clock for `updatedAt` of outputs. @default () => new Date() */
  now?: () => Date;
  /** Connections this process keeps at most. @default 4 */
  maxConnections?: number;
  /** How long an unused connection stays open. @default 10 s */
  idleTimeoutMs?: number;
  /** Migrate only up to this version (tests build old databases with it). @default latest */
  targetVersion?: number;
  /** Where the URL came from, for messages. @default "STACKFLEET_STATE_URL" */
  source?: string;
}

export class PostgresStore implements Store, WorkQueue {
  /** Set once `ready` resolved. */
  private fleet = '';
  readonly hostname: string;
  /** The URL with its password redacted, for messages and `show`. */
  readonly where: string;
  private readonly pool: Pool;
  private readonly now: () => Date;
  private readonly key: Buffer | undefined;
  private readonly ready: Promise<void>;
  private readonly urlSecrets: string[];
  private readonly url: string;
  private readonly maxConnections: number;
  private closed = false;

  constructor(options: PostgresStoreOptions) {
    const source = options.source ?? 'STACKFLEET_STATE_URL';
    parseStateUrl(options.url, source);
    this.where = redactStateUrl(options.url);
    this.urlSecrets = stateUrlSecrets(options.url);
    this.url = options.url;
    this.hostname = options.hostname ?? readThisHost();
    this.now = options.now ?? (() => new Date());
    const envKey = (options.env ?? process.env).STACKFLEET_STATE_KEY;
    this.key = envKey === undefined || envKey === '' ? undefined : parseStateKey(envKey, 'STACKFLEET_STATE_KEY');
    this.maxConnections = options.maxConnections ?? 4;
    this.pool = createPgPool(options.url, this.maxConnections, options.idleTimeoutMs ?? 10_000);
    // An idle connection dropped by the server must not crash the process;
    // the next query gets a fresh connection (or a clear E_STATE_CONNECT).
    this.pool.on('error', () => undefined);
    this.ready = this.open(options.fleet, options.targetVersion ?? latestPgSchemaVersion);
    // Surfaced by the first call that awaits `ready`; never an unhandled rejection.
    this.ready.catch(() => undefined);
  }

  private async open(fleet: string | Promise<string>, targetVersion: number): Promise<void> {
    this.fleet = await fleet;
    const client = await this.pool.connect().catch((error: unknown) => {
      throw this.connectionError(error);
    });
    try {
      await applyPgMigrations(client, this.where, targetVersion);
    } catch (error) {
      throw error instanceof StackfleetError ? error : this.connectionError(error);
    } finally {
      client.release();
    }
  }

  private connectionError(error: unknown): StackfleetError {
    return describeConnectionError(error, this.where, this.urlSecrets);
  }

  /** Every call waits for the connection and migration, and maps connection failures to one clear error. */
  private async use<T>(work: (pool: Pool) => Promise<T>): Promise<T> {
    await this.ready;
    try {
      return await work(this.pool);
    } catch (error) {
      if (error instanceof StackfleetError) throw error;
      if (isConnectionError(error)) throw this.connectionError(error);
      // Out of disk, memory or connections: the run stops and resumes, as with a full local disk.
      throw describePgStorageError(error, this.where);
    }
  }

  /**
   * A shared database is read from many machines, so a key file on one of them
   * would lock the others out: sensitive outputs, and plan files (they hold
   * every variable and secret in clear), need STACKFLEET_STATE_KEY.
   */
  private readonly requireKey =
    (what: string) =>
    (): Buffer => {
      if (this.key) return this.key;
      throw new StackfleetError('E_STATE_KEY_MISSING', `${what} in the PostgreSQL store need STACKFLEET_STATE_KEY`, {
        hint: 'Generate one key for the fleet (openssl rand -hex 32) and set STACKFLEET_STATE_KEY to it on every machine that uses this database.',
      });
    };
  private readonly readKey = this.requireKey('sensitive outputs');
  private readonly readPlanFileKey = this.requireKey('terraform plan files saved');

  getOutputs(stack: string): Promise<StoredOutputs | undefined> {
    return this.use((pool) => readOutputs(pool, this.fleet, this.readKey, stack));
  }

  getManyOutputs(stacks: readonly string[]): Promise<Map<string, StoredOutputs>> {
    return this.use((pool) => readManyOutputs(pool, this.fleet, this.readKey, stacks));
  }

  setOutputs(stack: string, outputs: Outputs, runId: string): Promise<void> {
    return this.use((pool) => writeOutputs(pool, this.fleet, this.readKey, stack, outputs, runId, this.now().toISOString()));
  }

  deleteOutputs(stack: string): Promise<void> {
    return this.use((pool) => deleteOutputs(pool, this.fleet, stack));
  }

  createRun(run: RunRecord): Promise<void> {
    return this.use((pool) => insertRun(pool, this.fleet, run));
  }

  finishRun(runId: string, status: RunStatus, finishedAt: string): Promise<void> {
    return this.use((pool) => updateRunFinished(pool, this.fleet, runId, status, finishedAt));
  }

  reopenRun(runId: string, by: { host: string; pid: number }): Promise<void> {
    return this.use((pool) => updateRunReopened(pool, this.fleet, runId, by));
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const run = await this.use((pool) => selectRun(pool, this.fleet, runId));
    return run && readRunStatus(run, this.hostname);
  }

  async listRuns(options?: { stack?: string; limit?: number }): Promise<RunRecord[]> {
    const runs = await this.use((pool) => selectRuns(pool, this.fleet, options));
    return runs.map((run) => readRunStatus(run, this.hostname));
  }

  async listRunHeaders(): Promise<RunHeader[]> {
    const runs = await this.use((pool) => selectRunHeaders(pool, this.fleet));
    return runs.map((run) => readRunStatus(run, this.hostname));
  }

  /** As in SQLite: `interrupted`, or `crashed` (recorded `running`, its process provably gone: same host, dead pid). */
  async findResumableRun(): Promise<RunRecord | undefined> {
    const runs = await this.use((pool) => selectUnfinishedRuns(pool, this.fleet));
    return runs.map((run) => readRunStatus(run, this.hostname)).find(isResumableRun);
  }

  putStackRun(record: StackRunRecord): Promise<void> {
    return this.use((pool) => upsertStackRun(pool, this.fleet, record));
  }

  listStackRuns(runId: string): Promise<StackRunRecord[]> {
    return this.use((pool) => selectStackRuns(pool, this.fleet, runId));
  }

  listStackHistory(stack: string, limit?: number): Promise<StackRunRecord[]> {
    return this.use((pool) => selectStackHistory(pool, this.fleet, stack, limit));
  }

  putSavedPlan(record: SavedPlanRecord, planFile?: Uint8Array): Promise<void> {
    return this.use((pool) => upsertSavedPlan(pool, this.fleet, this.readPlanFileKey, record, planFile));
  }

  listSavedPlans(runId: string): Promise<SavedPlanRecord[]> {
    return this.use((pool) => selectSavedPlans(pool, this.fleet, runId));
  }

  readSavedPlanFile(runId: string, stack: string): Promise<Uint8Array | undefined> {
    return this.use((pool) => selectSavedPlanFile(pool, this.fleet, this.readPlanFileKey, runId, stack));
  }

  deleteSavedPlan(runId: string, stack: string): Promise<void> {
    return this.use((pool) => deleteSavedPlanRow(pool, this.fleet, runId, stack));
  }

  clearSavedPlanFiles(createdBefore: string, options?: { dryRun?: boolean }): Promise<number> {
    return this.use((pool) => clearSavedPlanFileColumns(pool, this.fleet, createdBefore, options?.dryRun ?? false));
  }

  acquireLock(stack: string, holder: LockHolder, ttlMs: number, now: Date): Promise<LockResult> {
    return this.use((pool) => acquireLockRow(pool, this.fleet, this.hostname, stack, holder, ttlMs, now));
  }

  renewLock(stack: string, holder: LockHolder, ttlMs: number, now: Date): Promise<boolean> {
    return this.use((pool) => renewLockRow(pool, this.fleet, stack, holder, ttlMs, now));
  }

  releaseLock(stack: string, holder: LockHolder): Promise<void> {
    return this.use((pool) => releaseLockRow(pool, this.fleet, stack, holder));
  }

  forceUnlock(stack: string): Promise<LockRecord | undefined> {
    return this.use((pool) => deleteLockRow(pool, this.fleet, stack));
  }

  listLocks(): Promise<LockRecord[]> {
    return this.use((pool) => selectLocks(pool, this.fleet));
  }

  recordDrift(record: DriftRecord): Promise<void> {
    return this.use((pool) => insertDrift(pool, this.fleet, record));
  }

  async latestDrift(stack: string): Promise<DriftRecord | undefined> {
    return (await this.use((pool) => selectDrift(pool, this.fleet, stack, 1)))[0];
  }

  driftHistory(stack?: string, limit?: number): Promise<DriftRecord[]> {
    return this.use((pool) => selectDrift(pool, this.fleet, stack, limit));
  }

  enqueueRun(run: QueuedRun): Promise<void> {
    return this.use((pool) => queue.enqueueRun(pool, this.fleet, run));
  }

  async claimStack(worker: WorkerIdentity, leaseMs: number, now: Date): Promise<StackClaim | undefined> {
    return (await this.claimStacks(worker, 1, leaseMs, now))[0];
  }

  claimStacks(worker: WorkerIdentity, limit: number, leaseMs: number, now: Date): Promise<StackClaim[]> {
    return this.use((pool) => queue.claimStacks(pool, this.fleet, { worker, limit, leaseMs, now }));
  }

  renewClaim(claim: StackClaim, leaseMs: number, now: Date): Promise<boolean> {
    return this.use((pool) => queue.renewClaim(pool, this.fleet, claim, leaseMs, now));
  }

  completeStack(claim: StackClaim, result: StackResult, next?: ClaimNext): Promise<StackCompletion> {
    return this.use((pool) => queue.completeStack(pool, this.fleet, this.readKey, claim, result, this.now().toISOString(), next));
  }

  cancelRun(runId: string): Promise<void> {
    return this.use((pool) => queue.cancelRun(pool, this.fleet, runId));
  }

  listNodes(runId: string): Promise<QueueNode[]> {
    return this.use((pool) => queue.listNodes(pool, this.fleet, runId));
  }

  isRunDrained(runId: string): Promise<boolean> {
    return this.use((pool) => queue.isRunDrained(pool, this.fleet, runId));
  }

  getQueuedRun(runId: string): Promise<{ payload: unknown; cancelled: boolean } | undefined> {
    return this.use((pool) => queue.getQueuedRun(pool, this.fleet, runId));
  }

  appendRunEvents(runId: string, runEvents: RunEvent[], claim?: StackClaim): Promise<boolean> {
    return this.use((pool) => events.appendRunEvents(pool, this.fleet, runId, runEvents, claim));
  }

  readRunEvents(runId: string, afterSeq: number, limit?: number): Promise<StoredRunEvent[]> {
    return this.use((pool) => events.selectRunEvents(pool, this.fleet, runId, afterSeq, limit));
  }

  readLastRunEventSeq(runId: string): Promise<number> {
    return this.use((pool) => events.selectLastRunEventSeq(pool, this.fleet, runId));
  }

  putClaimedStackRun(claim: StackClaim, record: StackRunRecord): Promise<boolean> {
    return this.use((pool) => events.putClaimedStackRun(pool, this.fleet, claim, record));
  }

  finishQueuedRun(runId: string, status: RunStatus, finishedAt: string, runEvents: RunEvent[]): Promise<boolean> {
    return this.use((pool) => events.finishQueuedRun(pool, this.fleet, runId, status, finishedAt, runEvents));
  }

  recordWorker(worker: WorkerIdentity, now: Date): Promise<void> {
    return this.use((pool) => events.upsertWorker(pool, this.fleet, worker, now));
  }

  listLiveWorkers(since: Date): Promise<LiveWorker[]> {
    return this.use((pool) => events.selectLiveWorkers(pool, this.fleet, since));
  }

  async watchQueue(onChange: (change: QueueChange) => void): Promise<() => Promise<void>> {
    await this.ready;
    return listenQueue(createPgListenClient, { connectionString: this.url, application_name: 'stackfleet-listen', connectionTimeoutMillis: 10_000 }, this.fleet, onChange).catch(
      (error: unknown) => {
        throw this.connectionError(error);
      },
    );
  }

  async openConnections(count: number): Promise<void> {
    await this.use((pool) => openPgConnections(pool, Math.min(count, this.maxConnections))).catch(() => undefined);
  }

  /** The fleet identity rows are kept under. */
  async readFleet(): Promise<string> {
    await this.ready;
    return this.fleet;
  }

  recordPolicyDecisions(records: readonly PolicyDecisionRecord[]): Promise<void> {
    return this.use((pool) => insertPolicyDecisions(pool, this.fleet, records));
  }

  listPolicyDecisions(runId: string): Promise<PolicyDecisionRecord[]> {
    return this.use((pool) => selectPolicyDecisions(pool, this.fleet, runId));
  }

  recordApproval(record: ApprovalRecord): Promise<void> {
    return this.use((pool) => insertApproval(pool, this.fleet, record));
  }

  listApprovals(runId: string): Promise<ApprovalRecord[]> {
    return this.use((pool) => selectApprovals(pool, this.fleet, runId));
  }

  putRunPolicyPlans(record: RunPolicyPlans): Promise<void> {
    return this.use((pool) => upsertRunPolicyPlans(pool, this.fleet, record));
  }

  getRunPolicyPlans(runId: string): Promise<RunPolicyPlans | undefined> {
    return this.use((pool) => selectRunPolicyPlans(pool, this.fleet, runId));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.ready.catch(() => undefined);
    await this.pool.end();
  }
}

/** Opens the PostgreSQL store for `fleet` (connects and migrates on first use). */
export function openPostgresStore(options: PostgresStoreOptions): PostgresStore {
  return new PostgresStore(options);
}
