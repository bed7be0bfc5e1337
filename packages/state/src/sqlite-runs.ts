/** Runs and per-stack progress rows. */
import { prepareCached } from './prepare-cached.js';
import type Database from 'better-sqlite3';
import { parseStoredJson, sqlText, type StoredJsonCell } from './parse-stored-json.js';
import type { RunRecord, RunStatus, RunHeader, StackRunRecord } from '@stackfleet/core';
import {
  toRunRecord as mapRunRow,
  toStackRunRecord as mapStackRunRow,
  toRunHeader,
  type RunHeaderRow,
  type RunRowValues,
  type StackRunRowValues,
} from './row-records.js';

/** As stored: SQLite keeps the JSON columns as text. */
type RunRow = Omit<RunRowValues, 'selection' | 'stacks' | 'repo_shas'> & { selection: string; stacks: string; repo_shas: string };
type StackRunRow = Omit<StackRunRowValues, 'changes'> & { changes: string | null };


export function insertRun(db: Database.Database, run: RunRecord): void {
  prepareCached(db, 
    `INSERT INTO runs (id, command, selection, stacks, started_by, host, pid, repo_shas, manifest_path, started_at, finished_at, status)
     VALUES (@id, @command, @selection, @stacks, @startedBy, @host, @pid, @repoShas, @manifestPath, @startedAt, @finishedAt, @status)`,
  ).run({
    ...run,
    selection: JSON.stringify(run.selection),
    stacks: JSON.stringify(run.stacks),
    repoShas: JSON.stringify(run.repoShas),
    finishedAt: run.finishedAt ?? null,
  });
}

export function updateRunFinished(db: Database.Database, runId: string, status: RunStatus, finishedAt: string): void {
  prepareCached(db, 'UPDATE runs SET status = ?, finished_at = ? WHERE id = ?').run(status, finishedAt, runId);
}

/** Back to `running` under a new owning process (resume); `startedBy` is kept. */
export function updateRunReopened(db: Database.Database, runId: string, by: { host: string; pid: number }): void {
  prepareCached(db, `UPDATE runs SET status = 'running', finished_at = NULL, host = ?, pid = ? WHERE id = ?`).run(by.host, by.pid, runId);
}

export function selectRun(db: Database.Database, runId: string): RunRecord | undefined {
  const row = prepareCached(db, 'SELECT * FROM runs WHERE id = ?').get(runId) as RunRow | undefined;
  return row && toRunRecord(db, row);
}

/** Newest first; ties on start time fall back to insertion order. */
export function selectRuns(db: Database.Database, options: { stack?: string; limit?: number } = {}): RunRecord[] {
  const where = options.stack === undefined ? '' : 'WHERE EXISTS (SELECT 1 FROM json_each(runs.stacks) WHERE json_each.value = @stack)';
  const limit = options.limit === undefined ? '' : 'LIMIT @limit';
  const rows = prepareCached(db, `SELECT * FROM runs ${where} ORDER BY started_at DESC, rowid DESC ${limit}`)
    .all({ ...(options.stack === undefined ? {} : { stack: options.stack }), ...(options.limit === undefined ? {} : { limit: options.limit }) }) as RunRow[];
  return rows.map((row) => toRunRecord(db, row));
}

/** As `selectRuns` orders them, without the JSON columns. */
export function selectRunHeaders(db: Database.Database): RunHeader[] {
  const rows = prepareCached(db, 'SELECT id, status, started_at, finished_at, host, pid FROM runs ORDER BY started_at DESC, rowid DESC').all() as RunHeaderRow[];
  return rows.map(toRunHeader);
}

/** Candidates for `resume`, newest first; the caller decides liveness. */
export function selectUnfinishedRuns(db: Database.Database): RunRecord[] {
  const rows = prepareCached(db, `SELECT * FROM runs WHERE status IN ('interrupted', 'running') ORDER BY started_at DESC, rowid DESC`)
    .all() as RunRow[];
  return rows.map((row) => toRunRecord(db, row));
}

export function upsertStackRun(db: Database.Database, record: StackRunRecord): void {
  prepareCached(db, 
    `INSERT INTO stack_runs (run_id, stack, state, phase, attempt, exit_code, started_at, finished_at, duration_ms, changes, reason, log_file)
     VALUES (@runId, @stack, @state, @phase, @attempt, @exitCode, @startedAt, @finishedAt, @durationMs, @changes, @reason, @logFile)
     ON CONFLICT (run_id, stack) DO UPDATE SET
       state = excluded.state, phase = excluded.phase, attempt = excluded.attempt, exit_code = excluded.exit_code,
       started_at = excluded.started_at, finished_at = excluded.finished_at, duration_ms = excluded.duration_ms,
       changes = excluded.changes, reason = excluded.reason, log_file = excluded.log_file`,
  ).run({
    runId: record.runId,
    stack: record.stack,
    state: record.state,
    phase: record.phase ?? null,
    attempt: record.attempt,
    exitCode: record.exitCode ?? null,
    startedAt: record.startedAt ?? null,
    finishedAt: record.finishedAt ?? null,
    durationMs: record.durationMs ?? null,
    changes: record.changes === undefined ? null : JSON.stringify(record.changes),
    reason: record.reason ?? null,
    logFile: record.logFile ?? null,
  });
}

/** In the order the rows were first written (the engine writes them in run order). */
export function selectStackRuns(db: Database.Database, runId: string): StackRunRecord[] {
  const rows = prepareCached(db, 'SELECT * FROM stack_runs WHERE run_id = ? ORDER BY rowid').all(runId) as StackRunRow[];
  return rows.map((row) => toStackRunRecord(db, row));
}

/** Newest run first (by the run's start), across runs. */
export function selectStackHistory(db: Database.Database, stack: string, limit?: number): StackRunRecord[] {
  const rows = prepareCached(db, 
      `SELECT stack_runs.* FROM stack_runs JOIN runs ON runs.id = stack_runs.run_id
       WHERE stack_runs.stack = ? ORDER BY runs.started_at DESC, runs.rowid DESC ${limit === undefined ? '' : 'LIMIT ?'}`,
    )
    .all(...(limit === undefined ? [stack] : [stack, limit])) as StackRunRow[];
  return rows.map((row) => toStackRunRecord(db, row));
}

/** SQLite keeps JSON as text: decode it, then the shared mapping. */
function toRunRecord(db: Database.Database, row: RunRow): RunRecord {
  const cell = (column: string): StoredJsonCell => ({ table: 'runs', where: `id = ${sqlText(row.id)}`, column });
  return mapRunRow({
    ...row,
    selection: parseStoredJson<Record<string, unknown>>(db, row.selection, cell('selection')),
    stacks: parseStoredJson<string[]>(db, row.stacks, cell('stacks')),
    repo_shas: parseStoredJson<Record<string, string>>(db, row.repo_shas, cell('repo_shas')),
  });
}

function toStackRunRecord(db: Database.Database, row: StackRunRow): StackRunRecord {
  const cell: StoredJsonCell = { table: 'stack_runs', where: `run_id = ${sqlText(row.run_id)} AND stack = ${sqlText(row.stack)}`, column: 'changes' };
  return mapStackRunRow({ ...row, changes: row.changes === null ? null : parseStoredJson<NonNullable<StackRunRecord['changes']>>(db, row.changes, cell) });
}
