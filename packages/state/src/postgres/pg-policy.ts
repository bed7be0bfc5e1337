/** Policy decisions and approvals of one fleet's runs (rows appended, never updated), and the plans run policies judged (one row per run). */
import type { Pool } from 'pg';
import type { ApprovalRecord, PolicyDecisionRecord, RunPolicyPlans } from '@stackfleet/core';
import { encodeApprovedBy, toApprovalRecord, toPolicyDecisionRecord, type ApprovalRow, type PolicyDecisionRow } from '../row-records.js';

export async function insertPolicyDecisions(pool: Pool, fleet: string, records: readonly PolicyDecisionRecord[]): Promise<void> {
  if (records.length === 0) return;
  // One statement: the decisions of one evaluation land together or not at all.
  const values: unknown[] = [];
  const rows = records.map((record) => {
    values.push(fleet, record.runId, record.stack, record.policy, record.rule, record.effect, record.message, record.at, encodeApprovedBy(record));
    const base = values.length - 9;
    return `(${Array.from({ length: 9 }, (_, index) => `$${base + index + 1}`).join(', ')})`;
  });
  await pool.query(`INSERT INTO policy_decisions (fleet, run_id, stack, policy, rule, effect, message, at, approved_by) VALUES ${rows.join(', ')}`, values);
}

export async function selectPolicyDecisions(pool: Pool, fleet: string, runId: string): Promise<PolicyDecisionRecord[]> {
  const result = await pool.query<PolicyDecisionRow>('SELECT * FROM policy_decisions WHERE fleet = $1 AND run_id = $2 ORDER BY id', [fleet, runId]);
  return result.rows.map(toPolicyDecisionRecord);
}

export async function insertApproval(pool: Pool, fleet: string, record: ApprovalRecord): Promise<void> {
  await pool.query('INSERT INTO approvals (fleet, run_id, stack, by_login, at, comment) VALUES ($1, $2, $3, $4, $5, $6)', [
    fleet,
    record.runId,
    record.stack,
    record.by,
    record.at,
    record.comment ?? null,
  ]);
}

export async function selectApprovals(pool: Pool, fleet: string, runId: string): Promise<ApprovalRecord[]> {
  const result = await pool.query<ApprovalRow>('SELECT * FROM approvals WHERE fleet = $1 AND run_id = $2 ORDER BY id', [fleet, runId]);
  return result.rows.map(toApprovalRecord);
}

export async function upsertRunPolicyPlans(pool: Pool, fleet: string, record: RunPolicyPlans): Promise<void> {
  // TEXT, not JSONB: the plans come back with their keys in the order policies saw them.
  await pool.query(
    `INSERT INTO run_policy_plans (fleet, run_id, awaiting, at, plans) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (fleet, run_id) DO UPDATE SET awaiting = excluded.awaiting, at = excluded.at, plans = excluded.plans`,
    [fleet, record.runId, record.awaiting, record.at, JSON.stringify(record.plans)],
  );
}

export async function selectRunPolicyPlans(pool: Pool, fleet: string, runId: string): Promise<RunPolicyPlans | undefined> {
  const result = await pool.query<{ awaiting: boolean; at: string; plans: string }>('SELECT awaiting, at, plans FROM run_policy_plans WHERE fleet = $1 AND run_id = $2', [
    fleet,
    runId,
  ]);
  const row = result.rows[0];
  return row === undefined ? undefined : { runId, awaiting: row.awaiting, at: row.at, plans: JSON.parse(row.plans) as RunPolicyPlans['plans'] };
}
