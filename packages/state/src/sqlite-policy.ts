/** Policy decisions and approvals of runs: rows appended, never updated. */
import type Database from 'better-sqlite3';
import type { ApprovalRecord, PolicyDecisionRecord } from '@stackfleet/core';
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
