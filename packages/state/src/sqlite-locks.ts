/**
 * Stack locks as leases. Every decision runs inside one IMMEDIATE transaction,
 * which takes SQLite's write lock up front: two processes cannot both read
 * "free" and both write, so exactly one wins. `now` is always passed in.
 */
import { prepareCached, runTransaction } from './prepare-cached.js';
import type Database from 'better-sqlite3';
import type { LockHolder, LockRecord, LockResult } from '@stackfleet/core';
import { isHolderGone, isLeaseExpired } from './process-liveness.js';
import { toLockRecord, type LockRowValues } from './row-records.js';

/** SQLite's INTEGER columns arrive as numbers. */
type LockRow = LockRowValues & { acquired_ms: number; expires_ms: number };


function isSameHolder(row: LockRow, holder: LockHolder): boolean {
  return row.host === holder.host && row.pid === holder.pid && row.run_id === holder.runId;
}

/**
 * Takes the lock when it is free, expired (by time, unless its holder is a
 * process on this host that still exists, even stopped), its holder was a
 * process on this host that no longer exists, or already ours (then the
 * lease is extended and the original acquisition time kept).
 */
export function acquireLockRow(
  db: Database.Database,
  thisHost: string,
  stack: string,
  holder: LockHolder,
  ttlMs: number,
  now: Date,
): LockResult {
  return runTransaction(db, (): LockResult => {
    const nowMs = now.getTime();
    const row = prepareCached(db, 'SELECT * FROM locks WHERE stack = ?').get(stack) as LockRow | undefined;
    const takeable =
      row === undefined || isLeaseExpired(row.host, row.pid, row.expires_ms, nowMs, thisHost) || isSameHolder(row, holder) || isHolderGone(row.host, row.pid, thisHost);
    if (row !== undefined && !takeable) return { acquired: false, heldBy: toLockRecord(row) };
    const acquiredMs = row !== undefined && isSameHolder(row, holder) ? row.acquired_ms : nowMs;
    const next: LockRow = { stack, host: holder.host, pid: holder.pid, run_id: holder.runId, acquired_ms: acquiredMs, expires_ms: nowMs + ttlMs };
    prepareCached(db, 
      `INSERT INTO locks (stack, host, pid, run_id, acquired_ms, expires_ms) VALUES (@stack, @host, @pid, @run_id, @acquired_ms, @expires_ms)
       ON CONFLICT (stack) DO UPDATE SET host = excluded.host, pid = excluded.pid, run_id = excluded.run_id,
         acquired_ms = excluded.acquired_ms, expires_ms = excluded.expires_ms`,
    ).run(next);
    return { acquired: true, lock: toLockRecord(next) };
  }, { immediate: true });
}

/** Extends the lease only while the row still names `holder`. */
export function renewLockRow(db: Database.Database, stack: string, holder: LockHolder, ttlMs: number, now: Date): boolean {
  const result = prepareCached(db, 'UPDATE locks SET expires_ms = ? WHERE stack = ? AND host = ? AND pid = ? AND run_id = ?')
    .run(now.getTime() + ttlMs, stack, holder.host, holder.pid, holder.runId);
  return result.changes === 1;
}

/** Deletes the lock only when `holder` owns it; anyone else's release is a no-op. */
export function releaseLockRow(db: Database.Database, stack: string, holder: LockHolder): void {
  prepareCached(db, 'DELETE FROM locks WHERE stack = ? AND host = ? AND pid = ? AND run_id = ?').run(stack, holder.host, holder.pid, holder.runId);
}

export function deleteLockRow(db: Database.Database, stack: string): LockRecord | undefined {
  const row = prepareCached(db, 'DELETE FROM locks WHERE stack = ? RETURNING *').get(stack) as LockRow | undefined;
  return row && toLockRecord(row);
}

export function selectLocks(db: Database.Database): LockRecord[] {
  const rows = prepareCached(db, 'SELECT * FROM locks ORDER BY stack').all() as LockRow[];
  return rows.map(toLockRecord);
}

