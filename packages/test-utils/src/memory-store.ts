import { hostname as readHostname } from 'node:os';
import type {
  ApprovalRecord,
  PolicyDecisionRecord,
  DriftRecord,
  LockHolder,
  LockRecord,
  LockResult,
  Outputs,
  RunPolicyPlans,
  RunRecord,
  RunStatus,
  SavedPlanRecord,
  StackRunRecord,
  Store,
  StoredOutputs,
} from '@stackfleet/core';

/**
 * An in-memory `Store` for tests, with the embedded store's semantics (it
 * passes the same contract suite, `packages/state/src/memory-store.test.ts`):
 * lease locks with expiry, a holder on this host whose pid is gone counts as
 * gone, newest-first listings by start and check time with insertion order
 * breaking ties. Values are deep-copied on the way in and out so callers
 * cannot mutate stored state.
 */
export class MemoryStore implements Store {
  private readonly outputs = new Map<string, StoredOutputs>();
  /** Insertion order = SQLite's rowid order. */
  private readonly runs = new Map<string, RunRecord>();
  /** Keyed by run and stack; a rewrite keeps the first write's place, like an upsert. */
  private readonly stackRuns = new Map<string, StackRunRecord>();
  private readonly locks = new Map<string, LockRecord>();
  private readonly drift: DriftRecord[] = [];
  private readonly decisions: PolicyDecisionRecord[] = [];
  private readonly approvals: ApprovalRecord[] = [];
  private readonly savedPlans = new Map<string, SavedPlanRecord>();
  /** The plan files kept with saved plans (kept in clear: nothing here reaches a disk). */
  private readonly savedPlanFiles = new Map<string, Uint8Array>();
  private readonly runPolicyPlans = new Map<string, RunPolicyPlans>();
  /** Every `putStackRun` in call order; tests assert on transitions with it. */
  readonly transitions: StackRunRecord[] = [];
  private readonly hostname: string;

  /** @param options.hostname this machine, for telling dead holders apart. @default os.hostname() */
  constructor(options: { hostname?: string } = {}) {
    this.hostname = options.hostname ?? readHostname();
  }

  async getOutputs(stack: string): Promise<StoredOutputs | undefined> {
    return copy(this.outputs.get(stack));
  }

  async setOutputs(stack: string, outputs: Outputs, runId: string): Promise<void> {
    this.outputs.set(stack, copy({ stack, outputs, runId, updatedAt: new Date().toISOString() }));
  }

  async deleteOutputs(stack: string): Promise<void> {
    this.outputs.delete(stack);
  }

  async createRun(run: RunRecord): Promise<void> {
    this.runs.set(run.id, copy(run));
  }

  async finishRun(runId: string, status: RunStatus, finishedAt: string): Promise<void> {
    const run = this.runs.get(runId);
    if (run) this.runs.set(runId, { ...run, status, finishedAt });
  }

  async reopenRun(runId: string, by: { host: string; pid: number }): Promise<void> {
    const run = this.runs.get(runId);
    if (!run) return;
    const { finishedAt: _finishedAt, ...open } = run;
    this.runs.set(runId, { ...open, status: 'running', host: by.host, pid: by.pid });
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const run = this.runs.get(runId);
    return copy(run && this.readRunStatus(run));
  }

  async listRuns(options: { stack?: string; limit?: number } = {}): Promise<RunRecord[]> {
    const runs = this.runsNewestFirst().filter((run) => options.stack === undefined || run.stacks.includes(options.stack));
    return copy(runs.slice(0, options.limit ?? runs.length).map((run) => this.readRunStatus(run)));
  }

  async findResumableRun(): Promise<RunRecord | undefined> {
    return copy(this.runsNewestFirst().map((run) => this.readRunStatus(run)).find((run) => run.status === 'interrupted' || run.status === 'crashed'));
  }

  /** As the real stores read it: `running` with its process provably gone is `crashed`. */
  private readRunStatus(run: RunRecord): RunRecord {
    return run.status === 'running' && isHolderGone(run.host, run.pid, this.hostname) ? { ...run, status: 'crashed' } : run;
  }

  async putStackRun(record: StackRunRecord): Promise<void> {
    this.stackRuns.set(`${record.runId}\u0000${record.stack}`, copy(record));
    this.transitions.push(copy(record));
  }

  async putStackRuns(records: readonly StackRunRecord[]): Promise<void> {
    for (const record of records) await this.putStackRun(record);
  }

  async listStackRuns(runId: string): Promise<StackRunRecord[]> {
    return copy([...this.stackRuns.values()].filter((record) => record.runId === runId));
  }

  async listStackHistory(stack: string, limit?: number): Promise<StackRunRecord[]> {
    const history = this.runsNewestFirst().flatMap((run) => {
      const record = this.stackRuns.get(`${run.id}\u0000${stack}`);
      return record ? [record] : [];
    });
    return copy(history.slice(0, limit ?? history.length));
  }

  async putSavedPlan(record: SavedPlanRecord, planFile?: Uint8Array): Promise<void> {
    const key = `${record.runId}\u0000${record.stack}`;
    this.savedPlans.set(key, copy(record));
    if (planFile === undefined) this.savedPlanFiles.delete(key);
    else this.savedPlanFiles.set(key, Uint8Array.from(planFile));
  }

  async readSavedPlanFile(runId: string, stack: string): Promise<Uint8Array | undefined> {
    const file = this.savedPlanFiles.get(`${runId}\u0000${stack}`);
    return file === undefined ? undefined : Uint8Array.from(file);
  }

  async clearSavedPlanFiles(createdBefore: string, options?: { dryRun?: boolean }): Promise<number> {
    const expired = [...this.savedPlanFiles.keys()].filter((key) => this.savedPlans.get(key)!.createdAt < createdBefore);
    if (!options?.dryRun) for (const key of expired) this.savedPlanFiles.delete(key);
    return expired.length;
  }

  async listSavedPlans(runId: string): Promise<SavedPlanRecord[]> {
    const plans = [...this.savedPlans.values()].filter((record) => record.runId === runId);
    return copy(plans.sort((a, b) => (a.stack < b.stack ? -1 : a.stack > b.stack ? 1 : 0)));
  }

  async deleteSavedPlan(runId: string, stack: string): Promise<void> {
    this.savedPlans.delete(`${runId}\u0000${stack}`);
    this.savedPlanFiles.delete(`${runId}\u0000${stack}`);
  }

  async acquireLock(stack: string, holder: LockHolder, ttlMs: number, now: Date): Promise<LockResult> {
    const current = this.locks.get(stack);
    const sameHolder = current !== undefined && isSameHolder(current, holder);
    const takeable = current === undefined || (isExpired(current, now) && !isLiveHere(current, this.hostname)) || sameHolder || isHolderGone(current.host, current.pid, this.hostname);
    if (current && !takeable) return { acquired: false, heldBy: copy(current) };
    const lock: LockRecord = {
      stack,
      ...holder,
      // The same holder extends its lease; it did not acquire anew.
      acquiredAt: sameHolder ? current.acquiredAt : now.toISOString(),
      expiresAt: new Date(now.getTime() + ttlMs).toISOString(),
    };
    this.locks.set(stack, lock);
    return { acquired: true, lock: copy(lock) };
  }

  async renewLock(stack: string, holder: LockHolder, ttlMs: number, now: Date): Promise<boolean> {
    const current = this.locks.get(stack);
    if (!current || !isSameHolder(current, holder)) return false;
    current.expiresAt = new Date(now.getTime() + ttlMs).toISOString();
    return true;
  }

  async releaseLock(stack: string, holder: LockHolder): Promise<void> {
    const current = this.locks.get(stack);
    if (current && isSameHolder(current, holder)) this.locks.delete(stack);
  }

  async forceUnlock(stack: string): Promise<LockRecord | undefined> {
    const current = this.locks.get(stack);
    this.locks.delete(stack);
    return copy(current);
  }

  async listLocks(): Promise<LockRecord[]> {
    // Code-unit order, as SQLite's default collation sorts.
    return copy([...this.locks.values()].sort((a, b) => (a.stack < b.stack ? -1 : a.stack > b.stack ? 1 : 0)));
  }

  async recordDrift(record: DriftRecord): Promise<void> {
    this.drift.push(copy(record));
  }

  async latestDrift(stack: string): Promise<DriftRecord | undefined> {
    return (await this.driftHistory(stack, 1))[0];
  }

  async driftHistory(stack?: string, limit?: number): Promise<DriftRecord[]> {
    const history = newestFirst(
      this.drift.filter((record) => stack === undefined || record.stack === stack),
      (record) => record.checkedAt,
    );
    return copy(history.slice(0, limit ?? history.length));
  }

  async recordPolicyDecisions(records: readonly PolicyDecisionRecord[]): Promise<void> {
    this.decisions.push(...copy([...records]));
  }

  async listPolicyDecisions(runId: string): Promise<PolicyDecisionRecord[]> {
    return copy(this.decisions.filter((record) => record.runId === runId));
  }

  async recordApproval(record: ApprovalRecord): Promise<void> {
    this.approvals.push(copy(record));
  }

  async listApprovals(runId: string): Promise<ApprovalRecord[]> {
    return copy(this.approvals.filter((record) => record.runId === runId));
  }

  async putRunPolicyPlans(record: RunPolicyPlans): Promise<void> {
    this.runPolicyPlans.set(record.runId, copy(record));
  }

  async getRunPolicyPlans(runId: string): Promise<RunPolicyPlans | undefined> {
    const record = this.runPolicyPlans.get(runId);
    return record === undefined ? undefined : copy(record);
  }

  async close(): Promise<void> {}

  private runsNewestFirst(): RunRecord[] {
    return newestFirst([...this.runs.values()], (run) => run.startedAt);
  }
}

/** Newest `at` first; of equal ones, the later inserted first (SQLite's `ORDER BY at DESC, rowid DESC`). */
function newestFirst<T>(items: readonly T[], at: (item: T) => string): T[] {
  return items
    .map((item, index) => ({ item, index, at: at(item) }))
    .sort((a, b) => (a.at === b.at ? b.index - a.index : a.at < b.at ? 1 : -1))
    .map(({ item }) => item);
}

function isExpired(lock: LockRecord, now: Date): boolean {
  return Date.parse(lock.expiresAt) <= now.getTime();
}

function isSameHolder(lock: LockHolder, holder: LockHolder): boolean {
  return lock.host === holder.host && lock.pid === holder.pid && lock.runId === holder.runId;
}

/** A same-host holder whose process exists (even stopped) keeps its lease past its time, as in the real stores. */
function isLiveHere(lock: LockRecord, thisHost: string): boolean {
  return lock.host === thisHost && !isHolderGone(lock.host, lock.pid, thisHost);
}

/** Only a process on this host can be proven dead (signal 0 answers ESRCH); elsewhere it is presumed alive. */
function isHolderGone(host: string, pid: number, thisHost: string): boolean {
  if (host !== thisHost) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function copy<T>(value: T): T {
  return value === undefined ? value : structuredClone(value);
}
