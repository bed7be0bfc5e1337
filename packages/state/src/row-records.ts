/**
 * Rows to records, shared by the SQLite and PostgreSQL stores. Each store
 * hands over its row with JSON columns already decoded (SQLite stores text,
 * PostgreSQL JSONB), so the mapping — which fields are optional, how times
 * are written — lives in one place.
 */
import type { ApprovalRecord, DriftRecord, LockRecord, PolicyDecisionRecord, RunRecord, RunStatus, RunHeader, StackRunRecord } from '@stackfleet/core';

export interface RunRowValues {
  id: string;
  command: string;
  selection: Record<string, unknown>;
  stacks: string[];
  started_by: string;
  host: string;
  pid: number;
  repo_shas: Record<string, string>;
  manifest_path: string;
  started_at: string;
  finished_at: string | null;
  status: string;
}

export interface StackRunRowValues {
  run_id: string;
  stack: string;
  state: string;
  phase: string | null;
  attempt: number;
  exit_code: number | null;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
  changes: StackRunRecord['changes'] | null;
  reason: string | null;
  log_file: string | null;
}

export interface LockRowValues {
  stack: string;
  host: string;
  pid: number;
  run_id: string;
  /** Epoch milliseconds (PostgreSQL's BIGINT arrives as a string). */
  acquired_ms: number | string;
  expires_ms: number | string;
}

export interface DriftRowValues {
  stack: string;
  run_id: string;
  checked_at: string;
  status: string;
  changes: DriftRecord['changes'] | null;
  remediated: boolean | null;
  message: string | null;
}

export function toRunRecord(row: RunRowValues): RunRecord {
  return {
    id: row.id,
    command: row.command as RunRecord['command'],
    selection: row.selection,
    stacks: row.stacks,
    startedBy: row.started_by,
    host: row.host,
    pid: row.pid,
    repoShas: row.repo_shas,
    manifestPath: row.manifest_path,
    startedAt: row.started_at,
    ...(row.finished_at === null ? {} : { finishedAt: row.finished_at }),
    status: row.status as RunStatus,
  };
}

export type RunHeaderRow = Pick<RunRowValues, 'id' | 'status' | 'started_at' | 'finished_at' | 'host' | 'pid'>;

export function toRunHeader(row: RunHeaderRow): RunHeader {
  return {
    id: row.id,
    host: row.host,
    pid: row.pid,
    startedAt: row.started_at,
    ...(row.finished_at === null ? {} : { finishedAt: row.finished_at }),
    status: row.status as RunStatus,
  };
}

export function toStackRunRecord(row: StackRunRowValues): StackRunRecord {
  return {
    runId: row.run_id,
    stack: row.stack,
    state: row.state as StackRunRecord['state'],
    attempt: row.attempt,
    ...(row.phase === null ? {} : { phase: row.phase as NonNullable<StackRunRecord['phase']> }),
    ...(row.exit_code === null ? {} : { exitCode: row.exit_code }),
    ...(row.started_at === null ? {} : { startedAt: row.started_at }),
    ...(row.finished_at === null ? {} : { finishedAt: row.finished_at }),
    ...(row.duration_ms === null ? {} : { durationMs: row.duration_ms }),
    ...(row.changes === null ? {} : { changes: row.changes }),
    ...(row.reason === null ? {} : { reason: row.reason }),
    ...(row.log_file === null ? {} : { logFile: row.log_file }),
  };
}

export function toLockRecord(row: LockRowValues): LockRecord {
  return {
    stack: row.stack,
    host: row.host,
    pid: row.pid,
    runId: row.run_id,
    acquiredAt: new Date(Number(row.acquired_ms)).toISOString(),
    expiresAt: new Date(Number(row.expires_ms)).toISOString(),
  };
}

export function toDriftRecord(row: DriftRowValues): DriftRecord {
  return {
    stack: row.stack,
    runId: row.run_id,
    checkedAt: row.checked_at,
    status: row.status as DriftRecord['status'],
    ...(row.changes === null ? {} : { changes: row.changes }),
    ...(row.remediated === null ? {} : { remediated: row.remediated }),
    ...(row.message === null ? {} : { message: row.message }),
  };
}

export interface PolicyDecisionRow {
  run_id: string;
  stack: string | null;
  policy: string;
  rule: string;
  effect: string;
  message: string;
  at: string;
  /** JSON array of logins (schema 6 / PostgreSQL 9); NULL when nobody satisfied it, and in rows written before. */
  approved_by?: string | null;
}

export function toPolicyDecisionRecord(row: PolicyDecisionRow): PolicyDecisionRecord {
  const approvedBy = row.approved_by ? (JSON.parse(row.approved_by) as unknown) : undefined;
  return {
    runId: row.run_id,
    stack: row.stack,
    policy: row.policy,
    rule: row.rule,
    effect: row.effect as PolicyDecisionRecord['effect'],
    message: row.message,
    at: row.at,
    ...(Array.isArray(approvedBy) ? { approvedBy: approvedBy.map(String) } : {}),
  };
}

/** Who satisfied a require_approval, as the `approved_by` column keeps it. */
export function encodeApprovedBy(record: PolicyDecisionRecord): string | null {
  return record.approvedBy?.length ? JSON.stringify(record.approvedBy) : null;
}

export interface ApprovalRow {
  run_id: string;
  stack: string | null;
  by_login: string;
  at: string;
  comment: string | null;
}

export function toApprovalRecord(row: ApprovalRow): ApprovalRecord {
  return { runId: row.run_id, stack: row.stack, by: row.by_login, at: row.at, ...(row.comment === null ? {} : { comment: row.comment }) };
}
