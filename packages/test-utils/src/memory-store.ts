import type {
  DriftRecord,
  LockHolder,
  LockRecord,
  LockResult,
  Outputs,
  RunRecord,
  RunStatus,
  StackRunRecord,
  Store,
  StoredOutputs,
} from '@stackfleet/core';

/**
 * An in-memory `Store` for tests: same semantics as the embedded store
 * (lease locks with expiry, newest-first listings), no disk. Values are
 * deep-copied on the way in and out so callers cannot mutate stored state.
 */
export class MemoryStore implements Store {
  private readonly outputs = new Map<string, StoredOutputs>();
  private readonly runs = new Map<string, RunRecord>();
  private readonly stackRuns = new Map<string, StackRunRecord>();
  private readonly locks = new Map<string, LockRecord>();
  private readonly drift: DriftRecord[] = [];
  /** Every `putStackRun` in call order; tests assert on transitions with it. */
  readonly transitions: StackRunRecord[] = [];
  private clock = 0;

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

  async getRun(runId: string): Promise<RunRecord | undefined> {
    return copy(this.runs.get(runId));
  }

  async listRuns(options: { stack?: string; limit?: number } = {}): Promise<RunRecord[]> {
    const runs = [...this.runs.values()]
      .filter((run) => options.stack === undefined || run.stacks.includes(options.stack))
      .reverse();
    return copy(runs.slice(0, options.limit ?? runs.length));
  }

  async findResumableRun(): Promise<RunRecord | undefined> {
    const runs = await this.listRuns();
    return runs.find((run) => run.status === 'interrupted' || run.status === 'running');
  }

  async putStackRun(record: StackRunRecord): Promise<void> {
    // Re-inserting moves the key to the end, so iteration order is "last written".
    const key = `${record.runId}\u0000${record.stack}`;
    this.stackRuns.delete(key);
    this.stackRuns.set(key, copy({ ...record, order: this.clock++ } as StackRunRecord));
    this.transitions.push(copy(record));
  }

  async listStackRuns(runId: string): Promise<StackRunRecord[]> {
    return copy([...this.stackRuns.values()].filter((record) => record.runId === runId).map(stripOrder));
  }

  async listStackHistory(stack: string, limit?: number): Promise<StackRunRecord[]> {
    const history = [...this.stackRuns.values()].filter((record) => record.stack === stack).reverse();
    return copy(history.slice(0, limit ?? history.length).map(stripOrder));
  }

  async acquireLock(stack: string, holder: LockHolder, ttlMs: number, now: Date): Promise<LockResult> {
    const current = this.locks.get(stack);
    if (current && !isExpired(current, now) && !isSameHolder(current, holder)) {
      return { acquired: false, heldBy: copy(current) };
    }
    const lock: LockRecord = {
      stack,
      ...holder,
      acquiredAt: now.toISOString(),
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
    return copy([...this.locks.values()].sort((a, b) => a.stack.localeCompare(b.stack)));
  }

  async recordDrift(record: DriftRecord): Promise<void> {
    this.drift.push(copy(record));
  }

  async latestDrift(stack: string): Promise<DriftRecord | undefined> {
    return copy(this.drift.filter((record) => record.stack === stack).at(-1));
  }

  async driftHistory(stack?: string, limit?: number): Promise<DriftRecord[]> {
    const history = this.drift.filter((record) => stack === undefined || record.stack === stack).reverse();
    return copy(history.slice(0, limit ?? history.length));
  }

  async close(): Promise<void> {}
}

function isExpired(lock: LockRecord, now: Date): boolean {
  return Date.parse(lock.expiresAt) <= now.getTime();
}

function isSameHolder(lock: LockHolder, holder: LockHolder): boolean {
  return lock.host === holder.host && lock.pid === holder.pid && lock.runId === holder.runId;
}

function stripOrder(record: StackRunRecord): StackRunRecord {
  const { order: _order, ...rest } = record as StackRunRecord & { order?: number };
  return rest;
}

function copy<T>(value: T): T {
  return value === undefined ? value : structuredClone(value);
}
