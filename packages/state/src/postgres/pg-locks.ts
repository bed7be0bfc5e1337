/**
 * Stack locks as leases in PostgreSQL. A free stack is taken with one
 * insert (the primary key decides between racers). A held one is decided in
 * a transaction that first takes a transaction-scoped advisory lock on
 * (fleet, stack), reads the row and takes it over only with a compare-and-set
 * against what it read: of racing machines exactly one wins.
 */
import type { Pool, PoolClient } from 'pg';
import type { LockHolder, LockRecord, LockResult } from '@stackfleet/core';
import { isHolderGone, isLeaseExpired } from '../process-liveness.js';
import { toLockRecord, type LockRowValues as LockRow } from '../row-records.js';
import { withTransaction } from './pg-transaction.js';
import { prepared } from './pg-prepared.js';

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
  const nowMs = now.getTime();
  const fresh: LockRow = { stack, host: holder.host, pid: holder.pid, run_id: holder.runId, acquired_ms: nowMs, expires_ms: nowMs + ttlMs };
  // Most acquisitions find the stack unlocked: one statement, the primary key deciding between racers.
  const inserted = await pool.query(
    prepared(
      'insert-free-lock',
      'INSERT INTO locks (fleet, stack, host, pid, run_id, acquired_ms, expires_ms) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (fleet, stack) DO NOTHING',
      [fleet, stack, fresh.host, fresh.pid, fresh.run_id, fresh.acquired_ms, fresh.expires_ms],
    ),
  );
  if (inserted.rowCount === 1) return { acquired: true, lock: toLockRecord(fresh) };
  for (let attempt = 1; ; attempt += 1) {
    const decided = await decideHeldLock(pool, fleet, thisHost, holder, fresh, nowMs);
    // undefined: the row changed under us (released, renewed, taken): look again; a few rounds at most.
    if (decided !== undefined) return decided;
    if (attempt === 3) {
      const current = (await pool.query<LockRow>('SELECT * FROM locks WHERE fleet = $1 AND stack = $2', [fleet, stack])).rows[0];
      if (current) return { acquired: false, heldBy: toLockRecord(current) };
    }
  }
}

/**
 * The row exists (or did a moment ago): under the (fleet, stack) advisory
 * lock, take it over when it is expired, ours, or its holder is gone. Writes
 * are compare-and-set against the row read (a renewal, a release or a
 * one-statement acquisition may happen meanwhile, none of them under the
 * advisory lock): undefined when the row changed, for the caller to look again.
 */
async function decideHeldLock(pool: Pool, fleet: string, thisHost: string, holder: LockHolder, fresh: LockRow, nowMs: number): Promise<LockResult | undefined> {
  return withTransaction(pool, async (client) => {
    await lockKey(client, fleet, fresh.stack);
    const current = (await client.query<LockRow>('SELECT * FROM locks WHERE fleet = $1 AND stack = $2', [fleet, fresh.stack])).rows[0];
    if (current === undefined) {
      const inserted = await client.query(
        'INSERT INTO locks (fleet, stack, host, pid, run_id, acquired_ms, expires_ms) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (fleet, stack) DO NOTHING',
        [fleet, fresh.stack, fresh.host, fresh.pid, fresh.run_id, fresh.acquired_ms, fresh.expires_ms],
      );
      return inserted.rowCount === 1 ? { acquired: true, lock: toLockRecord(fresh) } : undefined;
    }
    const takeable =
      isLeaseExpired(current.host, current.pid, Number(current.expires_ms), nowMs, thisHost) ||
      isSameHolder(current, holder) ||
      isHolderGone(current.host, current.pid, thisHost);
    if (!takeable) return { acquired: false, heldBy: toLockRecord(current) };
    const next: LockRow = { ...fresh, acquired_ms: isSameHolder(current, holder) ? Number(current.acquired_ms) : nowMs };
    const updated = await client.query(
      `UPDATE locks SET host = $3, pid = $4, run_id = $5, acquired_ms = $6, expires_ms = $7
       WHERE fleet = $1 AND stack = $2 AND host = $8 AND pid = $9 AND run_id = $10 AND expires_ms = $11`,
      [fleet, fresh.stack, next.host, next.pid, next.run_id, next.acquired_ms, next.expires_ms, current.host, current.pid, current.run_id, current.expires_ms],
    );
    return updated.rowCount === 1 ? { acquired: true, lock: toLockRecord(next) } : undefined;
  });
}

/** Extends the lease only while the row still names `holder`. */
export async function renewLockRow(pool: Pool, fleet: string, stack: string, holder: LockHolder, ttlMs: number, now: Date): Promise<boolean> {
  const result = await pool.query(
    prepared(
      'renew-lock',
      'UPDATE locks SET expires_ms = $3 WHERE fleet = $1 AND stack = $2 AND host = $4 AND pid = $5 AND run_id = $6',
      [fleet, stack, now.getTime() + ttlMs, holder.host, holder.pid, holder.runId],
    ),
  );
  return result.rowCount === 1;
}

/** Deletes the lock only when `holder` owns it; anyone else's release is a no-op. */
export async function releaseLockRow(pool: Pool, fleet: string, stack: string, holder: LockHolder): Promise<void> {
  await pool.query(
    prepared(
      'release-lock',
      'DELETE FROM locks WHERE fleet = $1 AND stack = $2 AND host = $3 AND pid = $4 AND run_id = $5',
      [fleet, stack, holder.host, holder.pid, holder.runId],
    ),
  );
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

