/**
 * Saved plans (`plan --save`) of one fleet: one row per run and stack, the
 * record as JSONB and the terraform plan file sealed with the state key (it
 * holds secrets in clear), so that another machine can apply the plan.
 */
import type { Pool } from 'pg';
import type { SavedPlanRecord } from '@stackfleet/core';
import { openPlanFile, sealPlanFile } from '../output-cipher.js';
import type { KeyProvider } from '../sqlite-outputs.js';

export async function upsertSavedPlan(pool: Pool, fleet: string, readKey: KeyProvider, record: SavedPlanRecord, planFile: Uint8Array | undefined): Promise<void> {
  const sealed = planFile === undefined ? null : sealPlanFile(readKey(), record.runId, record.stack, planFile);
  await pool.query(
    `INSERT INTO saved_plans (fleet, run_id, stack, created_at, record, plan_file) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (fleet, run_id, stack) DO UPDATE SET created_at = excluded.created_at, record = excluded.record, plan_file = excluded.plan_file`,
    [fleet, record.runId, record.stack, record.createdAt, JSON.stringify(record), sealed],
  );
}

export async function selectSavedPlans(pool: Pool, fleet: string, runId: string): Promise<SavedPlanRecord[]> {
  const result = await pool.query<{ record: SavedPlanRecord }>(
    'SELECT record FROM saved_plans WHERE fleet = $1 AND run_id = $2 ORDER BY stack COLLATE "C"',
    [fleet, runId],
  );
  return result.rows.map((row) => row.record);
}

export async function selectSavedPlanFile(pool: Pool, fleet: string, readKey: KeyProvider, runId: string, stack: string): Promise<Uint8Array | undefined> {
  const result = await pool.query<{ plan_file: Buffer | null }>('SELECT plan_file FROM saved_plans WHERE fleet = $1 AND run_id = $2 AND stack = $3', [
    fleet,
    runId,
    stack,
  ]);
  const sealed = result.rows[0]?.plan_file;
  return sealed ? openPlanFile(readKey(), runId, stack, sealed) : undefined;
}

export async function deleteSavedPlanRow(pool: Pool, fleet: string, runId: string, stack: string): Promise<void> {
  await pool.query('DELETE FROM saved_plans WHERE fleet = $1 AND run_id = $2 AND stack = $3', [fleet, runId, stack]);
}

export async function clearSavedPlanFileColumns(pool: Pool, fleet: string, createdBefore: string, dryRun: boolean): Promise<number> {
  const where = 'fleet = $1 AND created_at < $2 AND plan_file IS NOT NULL';
  if (dryRun) {
    const result = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM saved_plans WHERE ${where}`, [fleet, createdBefore]);
    return Number(result.rows[0]?.n ?? 0);
  }
  return (await pool.query(`UPDATE saved_plans SET plan_file = NULL WHERE ${where}`, [fleet, createdBefore])).rowCount ?? 0;
}
