/** Policy decisions and approvals of runs (rows appended, never updated), and the plans run policies judged (one row per run). */
import type Database from 'better-sqlite3';
import type { ApprovalRecord, PolicyDecisionRecord, RunPolicyPlans } from '@stackfleet/core';
import { parseStoredJson, sqlText } from './parse-stored-json.js';
import { prepareCached, runTransaction } from './prepare-cached.js';
import { encodeApprovedBy, toApprovalRecord, toPolicyDecisionRecord, type ApprovalRow, type PolicyDecisionRow } from './row-records.js';

export function insertPolicyDecisions(db: Database.Database, records: readonly PolicyDecisionRecord[]): void {
  const insert = prepareCached(db, 'INSERT INTO policy_decisions (run_id, stack, policy, rule, effect, message, at, approved_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  runTransaction(db, () => {
    for (const record of records) {
      insert.run(record.runId, record.stack, record.policy, record.rule, record.effect, record.message, record.at, encodeApprovedBy(record));
    }
  });
}

export function selectPolicyDecisions(db: Database.Database, runId: string): PolicyDecisionRecord[] {
  return (prepareCached(db, 'SELECT * FROM policy_decisions WHERE run_id = ? ORDER BY id').all(runId) as PolicyDecisionRow[]).map(toPolicyDecisionRecord);
}

export function insertApproval(db: Database.Database, record: ApprovalRecord): void {
  prepareCached(db, 'INSERT INTO approvals (run_id, stack, by_login, at, comment) VALUES (?, ?, ?, ?, ?)').run(
    record.runId,
    record.stack,
    record.by,
    record.at,
    record.comment ?? null,
  );
}

export function selectApprovals(db: Database.Database, runId: string): ApprovalRecord[] {
  return (prepareCached(db, 'SELECT * FROM approvals WHERE run_id = ? ORDER BY id').all(runId) as ApprovalRow[]).map(toApprovalRecord);
}

export function upsertRunPolicyPlans(db: Database.Database, record: RunPolicyPlans): void {
  prepareCached(
    db,
    `INSERT INTO run_policy_plans (run_id, awaiting, at, plans) VALUES (?, ?, ?, ?)
     ON CONFLICT (run_id) DO UPDATE SET awaiting = excluded.awaiting, at = excluded.at, plans = excluded.plans`,
  ).run(record.runId, record.awaiting ? 1 : 0, record.at, JSON.stringify(record.plans));
}

export function selectRunPolicyPlans(db: Database.Database, runId: string): RunPolicyPlans | undefined {
  const row = prepareCached(db, 'SELECT awaiting, at, plans FROM run_policy_plans WHERE run_id = ?').get(runId) as { awaiting: number; at: string; plans: string } | undefined;
  if (row === undefined) return undefined;
  const plans = parseStoredJson<RunPolicyPlans['plans']>(db, row.plans, { table: 'run_policy_plans', where: `run_id = ${sqlText(runId)}`, column: 'plans' });
  return { runId, awaiting: row.awaiting === 1, at: row.at, plans };
}
