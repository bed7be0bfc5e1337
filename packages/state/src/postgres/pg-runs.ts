/** Runs and per-stack progress rows of one fleet. */
import type { Pool, PoolClient } from 'pg';
import type { RunRecord, RunStatus, RunHeader, StackClaim, StackRunRecord } from '@stackfleet/core';
import { toRunRecord, toRunHeader, toStackRunRecord, type RunRowValues as RunRow, type RunHeaderRow, type StackRunRowValues as StackRunRow } from '../row-records.js';
import { prepared } from './pg-prepared.js';

export async function insertRun(pool: Pool, fleet: string, run: RunRecord): Promise<void> {
  await pool.query(
    `INSERT INTO runs (fleet, id, command, selection, stacks, started_by, host, pid, repo_shas, manifest_path, started_at, finished_at, status)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [
      fleet, run.id, run.command, JSON.stringify(run.selection), JSON.stringify(run.stacks), run.startedBy, run.host, run.pid,
      JSON.stringify(run.repoShas), run.manifestPath, run.startedAt, run.finishedAt ?? null, run.status,
    ],
  );
}

export async function updateRunFinished(pool: Pool, fleet: string, runId: string, status: RunStatus, finishedAt: string): Promise<void> {
  await pool.query('UPDATE runs SET status = $3, finished_at = $4 WHERE fleet = $1 AND id = $2', [fleet, runId, status, finishedAt]);
}

export async function updateRunReopened(pool: Pool, fleet: string, runId: string, by: { host: string; pid: number }): Promise<void> {
  await pool.query(`UPDATE runs SET status = 'running', finished_at = NULL, host = $3, pid = $4 WHERE fleet = $1 AND id = $2`, [
    fleet, runId, by.host, by.pid,
  ]);
}

export async function selectRun(pool: Pool, fleet: string, runId: string): Promise<RunRecord | undefined> {
  const result = await pool.query<RunRow>('SELECT * FROM runs WHERE fleet = $1 AND id = $2', [fleet, runId]);
  const row = result.rows[0];
  return row && toRunRecord(row);
}

/** Newest first; ties on start time fall back to insertion order. */
export async function selectRuns(pool: Pool, fleet: string, options: { stack?: string; limit?: number } = {}): Promise<RunRecord[]> {
  const params: unknown[] = [fleet];
  let sql = 'SELECT * FROM runs WHERE fleet = $1';
  if (options.stack !== undefined) {
    params.push(options.stack);
    sql += ` AND stacks ? $${params.length}`;
  }
  sql += ' ORDER BY started_at DESC, seq DESC';
  if (options.limit !== undefined) {
    params.push(options.limit);
    sql += ` LIMIT $${params.length}`;
  }
  const result = await pool.query<RunRow>(sql, params);
  return result.rows.map(toRunRecord);
}

/** As `selectRuns` orders them, without the JSON columns. */
export async function selectRunHeaders(pool: Pool, fleet: string): Promise<RunHeader[]> {
  const result = await pool.query<RunHeaderRow>('SELECT id, status, started_at, finished_at, host, pid FROM runs WHERE fleet = $1 ORDER BY started_at DESC, seq DESC', [fleet]);
  return result.rows.map(toRunHeader);
}

/** Candidates for `resume`, newest first; the caller decides liveness. */
export async function selectUnfinishedRuns(pool: Pool, fleet: string): Promise<RunRecord[]> {
  const result = await pool.query<RunRow>(
    `SELECT * FROM runs WHERE fleet = $1 AND status IN ('interrupted', 'running') ORDER BY started_at DESC, seq DESC`,
    [fleet],
  );
  return result.rows.map(toRunRecord);
}

const stackRunUpdate = `ON CONFLICT (fleet, run_id, stack) DO UPDATE SET
       state = excluded.state, phase = excluded.phase, attempt = excluded.attempt, exit_code = excluded.exit_code,
       started_at = excluded.started_at, finished_at = excluded.finished_at, duration_ms = excluded.duration_ms,
       changes = excluded.changes, reason = excluded.reason, log_file = excluded.log_file`;

/**
 * The upsert of a stack's record as one SQL statement over `stackRunValues`
 * ($1..$13), written only `WHERE condition` (a fence check, or a
 * completion's own update in the same statement).
 */
export function stackRunUpsertSql(condition: string): string {
  return `INSERT INTO stack_runs (fleet, run_id, stack, state, phase, attempt, exit_code, started_at, finished_at, duration_ms, changes, reason, log_file)
     SELECT $1::text, $2::text, $3::text, $4::text, $5::text, $6::integer, $7::integer, $8::text, $9::text, $10::double precision, $11::jsonb, $12::text, $13::text
     WHERE ${condition}
     ${stackRunUpdate}`;
}

export function stackRunValues(fleet: string, record: StackRunRecord): unknown[] {
  return [
    fleet, record.runId, record.stack, record.state, record.phase ?? null, record.attempt, record.exitCode ?? null,
    record.startedAt ?? null, record.finishedAt ?? null, record.durationMs ?? null,
    record.changes === undefined ? null : JSON.stringify(record.changes), record.reason ?? null, record.logFile ?? null,
  ];
}

/** One row per run and stack; the first write fixes its place (`seq`), later ones overwrite the rest. */
export async function upsertStackRun(pool: Pool | PoolClient, fleet: string, record: StackRunRecord): Promise<void> {
  await pool.query(
    prepared(
      'upsert-stack-run',
      `INSERT INTO stack_runs (fleet, run_id, stack, state, phase, attempt, exit_code, started_at, finished_at, duration_ms, changes, reason, log_file)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     ${stackRunUpdate}`,
      stackRunValues(fleet, record),
    ),
  );
}

/**
 * The `pending` records of a run's queued stacks, in their order (which fixes
 * their `seq`), in one statement: one round trip per run instead of one per
 * stack before the first stack can start. Replaces an earlier attempt's row
 * (resume). Only for a recorded run (`createRun`): the queue alone needs none.
 */
export async function upsertPendingStackRuns(client: PoolClient, fleet: string, runId: string, stacks: readonly string[]): Promise<void> {
  await client.query(
    `INSERT INTO stack_runs (fleet, run_id, stack, state, attempt)
     SELECT $1, $2, s.stack, 'pending', 0 FROM unnest($3::text[]) WITH ORDINALITY AS s(stack, n)
     WHERE EXISTS (SELECT 1 FROM runs WHERE fleet = $1 AND id = $2)
     ORDER BY s.n
     ${stackRunUpdate}`,
    [fleet, runId, [...stacks]],
  );
}

/**
 * The same upsert, written only while `claim` still holds its queue node
 * (fence, worker, state): one statement, one round trip, the node row share-locked
 * for it so a takeover cannot commit in between. False when nothing was written.
 */
export async function upsertClaimedStackRun(pool: Pool, fleet: string, record: StackRunRecord, claim: StackClaim): Promise<boolean> {
  const result = await pool.query(
    prepared(
      'upsert-claimed-stack-run',
      stackRunUpsertSql(`EXISTS (
       SELECT 1 FROM queue_nodes WHERE fleet = $1 AND run_id = $14 AND stack = $15 AND fence = $16 AND worker_id = $17 AND state = 'claimed' FOR SHARE
     )`),
      [...stackRunValues(fleet, record), claim.runId, claim.stack, claim.fence, claim.workerId],
    ),
  );
  return result.rowCount === 1;
}

export async function selectStackRuns(pool: Pool, fleet: string, runId: string): Promise<StackRunRecord[]> {
  const result = await pool.query<StackRunRow>('SELECT * FROM stack_runs WHERE fleet = $1 AND run_id = $2 ORDER BY seq', [fleet, runId]);
  return result.rows.map(toStackRunRecord);
}

/** Newest run first (by the run's start), across runs. */
export async function selectStackHistory(pool: Pool, fleet: string, stack: string, limit?: number): Promise<StackRunRecord[]> {
  const result = await pool.query<StackRunRow>(
    `SELECT stack_runs.* FROM stack_runs JOIN runs ON runs.fleet = stack_runs.fleet AND runs.id = stack_runs.run_id
     WHERE stack_runs.fleet = $1 AND stack_runs.stack = $2 ORDER BY runs.started_at DESC, runs.seq DESC
     ${limit === undefined ? '' : 'LIMIT $3'}`,
    limit === undefined ? [fleet, stack] : [fleet, stack, limit],
  );
  return result.rows.map(toStackRunRecord);
}


