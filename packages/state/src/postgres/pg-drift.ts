/** Drift check history of one fleet: one row per check, never updated. */
import type { Pool } from 'pg';
import type { DriftRecord } from '@stackfleet/core';
import { toDriftRecord, type DriftRowValues as DriftRow } from '../row-records.js';

export async function insertDrift(pool: Pool, fleet: string, record: DriftRecord): Promise<void> {
  await pool.query(
    `INSERT INTO drift (fleet, stack, run_id, checked_at, status, changes, remediated, message) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      fleet, record.stack, record.runId, record.checkedAt, record.status,
      record.changes === undefined ? null : JSON.stringify(record.changes), record.remediated ?? null, record.message ?? null,
    ],
  );
}

/** Newest check first; checks with the same timestamp fall back to insertion order. */
export async function selectDrift(pool: Pool, fleet: string, stack?: string, limit?: number): Promise<DriftRecord[]> {
  const params: unknown[] = [fleet];
  let sql = 'SELECT * FROM drift WHERE fleet = $1';
  if (stack !== undefined) {
    params.push(stack);
    sql += ` AND stack = $${params.length}`;
  }
  sql += ' ORDER BY checked_at DESC, id DESC';
  if (limit !== undefined) {
    params.push(limit);
    sql += ` LIMIT $${params.length}`;
  }
  return (await pool.query<DriftRow>(sql, params)).rows.map(toDriftRecord);
}

