/**
 * Stack locks as leases in PostgreSQL. Each decision is one transaction that
 * first takes a transaction-scoped advisory lock on (fleet, stack): two
 * processes on different machines cannot both read "free" and both write, so
 * exactly one wins — also when no row exists yet to lock with FOR UPDATE.
 */
import type { Pool, PoolClient } from 'pg';
import type { LockHolder, LockRecord, LockResult } from '@stackfleet/core';
import { isHolderGone, isLeaseExpired } from '../process-liveness.js';
import { toLockRecord, type LockRowValues as LockRow } from '../row-records.js';
import { withTransaction } from './pg-transaction.js';

function isSameHolder(row: LockRow, holder: LockHolder): boolean {
  return row.host === holder.host && row.pid === holder.pid && row.run_id === holder.runId;
}

async function lockKey(client: PoolClient, fleet: string, stack: string): Promise<void> {
  // hashtextextended gives a 64-bit key; a collision only serializes two unrelated stacks briefly.
  await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [JSON.stringify(['lock', fleet, stack])]);
}

export async function acquireLockRow(
  pool: Pool,
  fleet: string,
  thisHost: string,
  stack: string,
  holder: LockHolder,
  ttlMs: number,
  now: Date,
): Promise<LockResult> {
  return withTransaction(pool, async (client) => {
    await lockKey(client, fleet, stack);
    const nowMs = now.getTime();
    const current = (await client.query<LockRow>('SELECT * FROM locks WHERE fleet = $1 AND stack = $2', [fleet, stack])).rows[0];
    const takeable =
      current === undefined ||
      isLeaseExpired(current.host, current.pid, Number(current.expires_ms), nowMs, thisHost) ||
      isSameHolder(current, holder) ||
      isHolderGone(current.host, current.pid, thisHost);
    if (current !== undefined && !takeable) return { acquired: false, heldBy: toLockRecord(current) };
    const acquiredMs = current !== undefined && isSameHolder(current, holder) ? Number(current.acquired_ms) : nowMs;
    const next: LockRow = { stack, host: holder.host, pid: holder.pid, run_id: holder.runId, acquired_ms: acquiredMs, expires_ms: nowMs + ttlMs };
    await client.query(
      `INSERT INTO locks (fleet, stack, host, pid, run_id, acquired_ms, expires_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (fleet, stack) DO UPDATE SET host = excluded.host, pid = excluded.pid, run_id = excluded.run_id,
         acquired_ms = excluded.acquired_ms, expires_ms = excluded.expires_ms`,
      [fleet, stack, next.host, next.pid, next.run_id, next.acquired_ms, next.expires_ms],
    );
    return { acquired: true, lock: toLockRecord(next) };
  });
}

/** Extends the lease only while the row still names `holder`. */
export async function renewLockRow(pool: Pool, fleet: string, stack: string, holder: LockHolder, ttlMs: number, now: Date): Promise<boolean> {
  const result = await pool.query(
    'UPDATE locks SET expires_ms = $3 WHERE fleet = $1 AND stack = $2 AND host = $4 AND pid = $5 AND run_id = $6',
    [fleet, stack, now.getTime() + ttlMs, holder.host, holder.pid, holder.runId],
  );
  return result.rowCount === 1;
}

/** Deletes the lock only when `holder` owns it; anyone else's release is a no-op. */
export async function releaseLockRow(pool: Pool, fleet: string, stack: string, holder: LockHolder): Promise<void> {
  await pool.query('DELETE FROM locks WHERE fleet = $1 AND stack = $2 AND host = $3 AND pid = $4 AND run_id = $5', [
    fleet, stack, holder.host, holder.pid, holder.runId,
  ]);
}

export async function deleteLockRow(pool: Pool, fleet: string, stack: string): Promise<LockRecord | undefined> {
  const result = await pool.query<LockRow>('DELETE FROM locks WHERE fleet = $1 AND stack = $2 RETURNING *', [fleet, stack]);
  const row = result.rows[0];
  return row && toLockRecord(row);
}

export async function selectLocks(pool: Pool, fleet: string): Promise<LockRecord[]> {
  const result = await pool.query<LockRow>('SELECT * FROM locks WHERE fleet = $1 ORDER BY stack', [fleet]);
  return result.rows.map(toLockRecord);
}

