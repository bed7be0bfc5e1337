/** Saved plans (`plan --save`) of one fleet: one row per run and stack, the record as JSONB. */
import type { Pool } from 'pg';
import type { SavedPlanRecord } from '@stackfleet/core';

export async function upsertSavedPlan(pool: Pool, fleet: string, record: SavedPlanRecord): Promise<void> {
  await pool.query(
    `INSERT INTO saved_plans (fleet, run_id, stack, created_at, record) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (fleet, run_id, stack) DO UPDATE SET created_at = excluded.created_at, record = excluded.record`,
    [fleet, record.runId, record.stack, record.createdAt, JSON.stringify(record)],
  );
}

export async function selectSavedPlans(pool: Pool, fleet: string, runId: string): Promise<SavedPlanRecord[]> {
  const result = await pool.query<{ record: SavedPlanRecord }>(
    'SELECT record FROM saved_plans WHERE fleet = $1 AND run_id = $2 ORDER BY stack COLLATE "C"',
    [fleet, runId],
  );
  return result.rows.map((row) => row.record);
}

export async function deleteSavedPlanRow(pool: Pool, fleet: string, runId: string, stack: string): Promise<void> {
  await pool.query('DELETE FROM saved_plans WHERE fleet = $1 AND run_id = $2 AND stack = $3', [fleet, runId, stack]);
}
