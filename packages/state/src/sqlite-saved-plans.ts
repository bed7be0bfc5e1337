/** Saved plans (`plan --save`): one row per run and stack, the record as JSON. */
import type Database from 'better-sqlite3';
import type { SavedPlanRecord } from '@stackfleet/core';
import { parseStoredJson, sqlText } from './parse-stored-json.js';
import { prepareCached } from './prepare-cached.js';

export function upsertSavedPlan(db: Database.Database, record: SavedPlanRecord): void {
  prepareCached(
    db,
    `INSERT INTO saved_plans (run_id, stack, created_at, record) VALUES (?, ?, ?, ?)
     ON CONFLICT (run_id, stack) DO UPDATE SET created_at = excluded.created_at, record = excluded.record`,
  ).run(record.runId, record.stack, record.createdAt, JSON.stringify(record));
}

export function selectSavedPlans(db: Database.Database, runId: string): SavedPlanRecord[] {
  const rows = prepareCached(db, 'SELECT stack, record FROM saved_plans WHERE run_id = ? ORDER BY stack').all(runId) as { stack: string; record: string }[];
  return rows.map((row) =>
    parseStoredJson<SavedPlanRecord>(db, row.record, { table: 'saved_plans', where: `run_id = ${sqlText(runId)} AND stack = ${sqlText(row.stack)}`, column: 'record' }),
  );
}

export function deleteSavedPlanRow(db: Database.Database, runId: string, stack: string): void {
  prepareCached(db, 'DELETE FROM saved_plans WHERE run_id = ? AND stack = ?').run(runId, stack);
}
