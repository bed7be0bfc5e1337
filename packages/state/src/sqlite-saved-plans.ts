/**
 * Saved plans (`plan --save`): one row per run and stack, the record as JSON
 * and the terraform plan file sealed with the state key (it holds secrets in
 * clear), so that another machine can apply the plan.
 */
import type Database from 'better-sqlite3';
import type { SavedPlanRecord } from '@stackfleet/core';
import { openPlanFile, sealPlanFile } from './output-cipher.js';
import type { KeyProvider } from './sqlite-outputs.js';
import { parseStoredJson, sqlText } from './parse-stored-json.js';
import { prepareCached } from './prepare-cached.js';

export function upsertSavedPlan(db: Database.Database, readKey: KeyProvider, record: SavedPlanRecord, planFile: Uint8Array | undefined): void {
  const sealed = planFile === undefined ? null : sealPlanFile(readKey(), record.runId, record.stack, planFile);
  prepareCached(
    db,
    `INSERT INTO saved_plans (run_id, stack, created_at, record, plan_file) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (run_id, stack) DO UPDATE SET created_at = excluded.created_at, record = excluded.record, plan_file = excluded.plan_file`,
  ).run(record.runId, record.stack, record.createdAt, JSON.stringify(record), sealed);
}

export function selectSavedPlans(db: Database.Database, runId: string): SavedPlanRecord[] {
  const rows = prepareCached(db, 'SELECT stack, record FROM saved_plans WHERE run_id = ? ORDER BY stack').all(runId) as { stack: string; record: string }[];
  return rows.map((row) =>
    parseStoredJson<SavedPlanRecord>(db, row.record, { table: 'saved_plans', where: `run_id = ${sqlText(runId)} AND stack = ${sqlText(row.stack)}`, column: 'record' }),
  );
}

export function selectSavedPlanFile(db: Database.Database, readKey: KeyProvider, runId: string, stack: string): Uint8Array | undefined {
  const row = prepareCached(db, 'SELECT plan_file FROM saved_plans WHERE run_id = ? AND stack = ?').get(runId, stack) as { plan_file: Buffer | null } | undefined;
  if (!row?.plan_file) return undefined;
  return openPlanFile(readKey(), runId, stack, row.plan_file);
}

export function deleteSavedPlanRow(db: Database.Database, runId: string, stack: string): void {
  prepareCached(db, 'DELETE FROM saved_plans WHERE run_id = ? AND stack = ?').run(runId, stack);
}

export function clearSavedPlanFileColumns(db: Database.Database, createdBefore: string, dryRun: boolean): number {
  if (dryRun) {
    return (prepareCached(db, 'SELECT count(*) AS n FROM saved_plans WHERE created_at < ? AND plan_file IS NOT NULL').get(createdBefore) as { n: number }).n;
  }
  return prepareCached(db, 'UPDATE saved_plans SET plan_file = NULL WHERE created_at < ? AND plan_file IS NOT NULL').run(createdBefore).changes;
}
