/**
 * The embedded Store: better-sqlite3 under async methods. Calls are
 * synchronous underneath, so each write is committed (and durable) before the
 * returned promise resolves, which is what "write the transition before acting
 * on it" needs.
 */
import type Database from 'better-sqlite3';
import type {
  ApprovalRecord,
  DriftRecord,
  LockHolder,
  LockRecord,
  LockResult,
  Outputs,
  PolicyDecisionRecord,
  RunPolicyPlans,
  RunRecord,
  RunStatus,
  RunHeader,
  SavedPlanRecord,
  StackRunRecord,
  Store,
  StoredOutputs,
} from '@stackfleet/core';
import { openDatabase } from './open-database.js';
import { runTransaction } from './prepare-cached.js';
import { describeStorageError } from './storage-errors.js';
import { releaseDiskReserve, reserveDiskSpace } from './disk-reserve.js';
import { isResumableRun, readRunStatus, readThisHost } from './process-liveness.js';
import { parseStateKey, readOrCreateKeyFile } from './state-key.js';
import { acquireLockRow, deleteLockRow, releaseLockRow, renewLockRow, selectLocks } from './sqlite-locks.js';
import { deleteOutputs, readOutputs, writeOutputs } from './sqlite-outputs.js';
import { insertDrift, selectDrift } from './sqlite-drift.js';
import { insertApproval, insertPolicyDecisions, selectApprovals, selectPolicyDecisions, selectRunPolicyPlans, upsertRunPolicyPlans } from './sqlite-policy.js';
import { clearSavedPlanFileColumns, deleteSavedPlanRow, selectSavedPlanFile, selectSavedPlans, upsertSavedPlan } from './sqlite-saved-plans.js';
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
} from './sqlite-runs.js';

export interface SqliteStoreOptions {
  /** Directory holding `state.db` (and `key` when no key is in the environment); created if missing. */
  stateDir: string;
  /** Where `STACKFLEET_STATE_KEY` is read from. @default process.env */
  env?: Record<string, string | undefined>;
  /** This machine's name, compared with lock and run holders to detect dead processes. @default os.hostname() */
  hostname?: string;
  /** Clock for `updatedAt` of outputs (locks take `now` as an argument instead). @default () => new Date() */
  now?: () => Date;
  /** How long a writer waits for another process's write lock. @default 10000 */
  busyTimeoutMs?: number;
}

export class SqliteStore implements Store {
  readonly stateDir: string;
  readonly hostname: string;
  private readonly db: Database.Database;
  private readonly now: () => Date;
  private key: Buffer | undefined;

  constructor(db: Database.Database, options: SqliteStoreOptions, key: Buffer | undefined) {
    this.db = db;
    this.stateDir = options.stateDir;
    this.hostname = options.hostname ?? readThisHost();
    this.now = options.now ?? (() => new Date());
    this.key = key;
  }

  /**
   * Runs a write; a full disk becomes `E_STATE_FULL` (a clear error the run
   * can stop on), not a SqliteError, and frees the disk reserve so the
   * run's last write (`interrupted`) still fits.
   */
  private write<T>(action: () => T): T {
    try {
      return action();
    } catch (error) {
      const described = describeStorageError(error, this.db.name);
      if (described !== error) releaseDiskReserve(this.stateDir);
      throw described;
    }
  }

  /** The key file is only created once a sensitive value needs it. */
  private readonly readKey = (): Buffer => {
    this.key ??= readOrCreateKeyFile(this.stateDir);
    return this.key;
  };

  async getOutputs(stack: string): Promise<StoredOutputs | undefined> {
    return readOutputs(this.db, this.readKey, stack);
  }

  async setOutputs(stack: string, outputs: Outputs, runId: string): Promise<void> {
    this.write(() => writeOutputs(this.db, this.readKey, stack, outputs, runId, this.now().toISOString()));
  }

  async deleteOutputs(stack: string): Promise<void> {
    this.write(() => deleteOutputs(this.db, stack));
  }

  async createRun(run: RunRecord): Promise<void> {
    this.write(() => insertRun(this.db, run));
  }

  async finishRun(runId: string, status: RunStatus, finishedAt: string): Promise<void> {
    this.write(() => updateRunFinished(this.db, runId, status, finishedAt));
  }

  async reopenRun(runId: string, by: { host: string; pid: number }): Promise<void> {
    this.write(() => updateRunReopened(this.db, runId, by));
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const run = selectRun(this.db, runId);
    return run && readRunStatus(run, this.hostname);
  }

  async listRuns(options?: { stack?: string; limit?: number }): Promise<RunRecord[]> {
    return selectRuns(this.db, options).map((run) => readRunStatus(run, this.hostname));
  }

  async listRunHeaders(): Promise<RunHeader[]> {
    return selectRunHeaders(this.db).map((run) => readRunStatus(run, this.hostname));
  }

  /**
   * The newest run that can be continued: status `interrupted`, or `crashed`
   * (recorded `running`, its process provably gone: same host, pid no longer
   * exists, e.g. after kill -9). A `running` run whose process lives, or that
   * was started on another host, is left alone: resume it explicitly by id.
   */
  async findResumableRun(): Promise<RunRecord | undefined> {
    return selectUnfinishedRuns(this.db)
      .map((run) => readRunStatus(run, this.hostname))
      .find(isResumableRun);
  }

  async putStackRun(record: StackRunRecord): Promise<void> {
    this.write(() => upsertStackRun(this.db, record));
  }

  async putStackRuns(records: readonly StackRunRecord[]): Promise<void> {
    this.write(() =>
      runTransaction(this.db, () => {
        for (const record of records) upsertStackRun(this.db, record);
      }),
    );
  }

  /**
   * Every write method of this store does its work synchronously, inside the
   * call: the calls `writes` makes run within this one transaction (each in a
   * savepoint of its own where it has a transaction), and their promises only
   * report how each went.
   */
  async writeTogether(writes: () => ReadonlyArray<Promise<unknown>>): Promise<void> {
    let results: ReadonlyArray<Promise<unknown>> = [];
    let failure: { error: unknown } | undefined;
    try {
      this.write(() =>
        runTransaction(this.db, () => {
          results = writes();
        }),
      );
    } catch (error) {
      failure = { error };
    }
    // Every call's promise is looked at, also when the commit failed: none is left rejected unhandled.
    const settled = await Promise.allSettled(results);
    if (failure) throw failure.error;
    const rejected = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (rejected) throw rejected.reason;
  }

  async listStackRuns(runId: string): Promise<StackRunRecord[]> {
    return selectStackRuns(this.db, runId);
  }

  async listStackHistory(stack: string, limit?: number): Promise<StackRunRecord[]> {
    return selectStackHistory(this.db, stack, limit);
  }

  async putSavedPlan(record: SavedPlanRecord, planFile?: Uint8Array): Promise<void> {
    this.write(() => upsertSavedPlan(this.db, this.readKey, record, planFile));
  }

  async listSavedPlans(runId: string): Promise<SavedPlanRecord[]> {
    return selectSavedPlans(this.db, runId);
  }

  async readSavedPlanFile(runId: string, stack: string): Promise<Uint8Array | undefined> {
    return selectSavedPlanFile(this.db, this.readKey, runId, stack);
  }

  async deleteSavedPlan(runId: string, stack: string): Promise<void> {
    deleteSavedPlanRow(this.db, runId, stack);
  }

  async clearSavedPlanFiles(createdBefore: string, options?: { dryRun?: boolean }): Promise<number> {
    return this.write(() => clearSavedPlanFileColumns(this.db, createdBefore, options?.dryRun ?? false));
  }

  async acquireLock(stack: string, holder: LockHolder, ttlMs: number, now: Date): Promise<LockResult> {
    return this.write(() => acquireLockRow(this.db, this.hostname, stack, holder, ttlMs, now));
  }

  async renewLock(stack: string, holder: LockHolder, ttlMs: number, now: Date): Promise<boolean> {
    return this.write(() => renewLockRow(this.db, stack, holder, ttlMs, now));
  }

  async releaseLock(stack: string, holder: LockHolder): Promise<void> {
    this.write(() => releaseLockRow(this.db, stack, holder));
  }

  async forceUnlock(stack: string): Promise<LockRecord | undefined> {
    return this.write(() => deleteLockRow(this.db, stack));
  }

  async listLocks(): Promise<LockRecord[]> {
    return selectLocks(this.db);
  }

  async recordDrift(record: DriftRecord): Promise<void> {
    this.write(() => insertDrift(this.db, record));
  }

  async latestDrift(stack: string): Promise<DriftRecord | undefined> {
    return selectDrift(this.db, stack, 1)[0];
  }

  async driftHistory(stack?: string, limit?: number): Promise<DriftRecord[]> {
    return selectDrift(this.db, stack, limit);
  }

  async recordPolicyDecisions(records: readonly PolicyDecisionRecord[]): Promise<void> {
    insertPolicyDecisions(this.db, records);
  }

  async listPolicyDecisions(runId: string): Promise<PolicyDecisionRecord[]> {
    return selectPolicyDecisions(this.db, runId);
  }

  async recordApproval(record: ApprovalRecord): Promise<void> {
    insertApproval(this.db, record);
  }

  async listApprovals(runId: string): Promise<ApprovalRecord[]> {
    return selectApprovals(this.db, runId);
  }

  async putRunPolicyPlans(record: RunPolicyPlans): Promise<void> {
    this.write(() => upsertRunPolicyPlans(this.db, record));
  }

  async getRunPolicyPlans(runId: string): Promise<RunPolicyPlans | undefined> {
    return selectRunPolicyPlans(this.db, runId);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

/**
 * Opens the embedded store at `<stateDir>/state.db`, creating and migrating it
 * as needed. A malformed `STACKFLEET_STATE_KEY` fails here, before any work.
 */
export function openSqliteStore(options: SqliteStoreOptions): SqliteStore {
  const envKey = (options.env ?? process.env).STACKFLEET_STATE_KEY;
  const key = envKey === undefined || envKey === '' ? undefined : parseStateKey(envKey, 'STACKFLEET_STATE_KEY');
  const db = openDatabase(options.stateDir, { busyTimeoutMs: options.busyTimeoutMs });
  reserveDiskSpace(options.stateDir);
  return new SqliteStore(db, options, key);
}
