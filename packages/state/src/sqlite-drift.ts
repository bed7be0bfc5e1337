/** Drift check history: one row per check, never updated. */
import { parseStoredJson, sqlText } from './parse-stored-json.js';
import { prepareCached } from './prepare-cached.js';
import type Database from 'better-sqlite3';
import type { DriftRecord } from '@stackfleet/core';
import { toDriftRecord as mapDriftRow, type DriftRowValues } from './row-records.js';

/** As stored: JSON as text, booleans as 0/1. */
type DriftRow = Omit<DriftRowValues, 'changes' | 'remediated'> & { changes: string | null; remediated: number | null };


export function insertDrift(db: Database.Database, record: DriftRecord): void {
  prepareCached(db, 
    `INSERT INTO drift (stack, run_id, checked_at, status, changes, remediated, message)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    record.stack,
    record.runId,
    record.checkedAt,
    record.status,
    record.changes === undefined ? null : JSON.stringify(record.changes),
    record.remediated === undefined ? null : record.remediated ? 1 : 0,
    record.message ?? null,
  );
}

/** Newest check first; checks with the same timestamp fall back to insertion order. */
export function selectDrift(db: Database.Database, stack?: string, limit?: number): DriftRecord[] {
  const params: (string | number)[] = [];
  let sql = 'SELECT * FROM drift';
  if (stack !== undefined) {
    sql += ' WHERE stack = ?';
    params.push(stack);
  }
  sql += ' ORDER BY checked_at DESC, id DESC';
  if (limit !== undefined) {
    sql += ' LIMIT ?';
    params.push(limit);
  }
  return (prepareCached(db, sql).all(...params) as DriftRow[]).map((row) => toDriftRecord(db, row));
}

/** SQLite keeps JSON as text and booleans as 0/1. */
function toDriftRecord(db: Database.Database, row: DriftRow): DriftRecord {
  const cell = { table: 'drift', where: `stack = ${sqlText(row.stack)} AND run_id = ${sqlText(row.run_id)} AND checked_at = ${sqlText(row.checked_at)}`, column: 'changes' };
  return mapDriftRow({
    ...row,
    changes: row.changes === null ? null : parseStoredJson<NonNullable<DriftRecord['changes']>>(db, row.changes, cell),
    remediated: row.remediated === null ? null : row.remediated === 1,
  });
}
