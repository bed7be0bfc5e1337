/**
 * Run events on PostgreSQL: workers append (their stacks' events and log
 * lines), followers (`--remote`, `stackfleet logs`) read after the last seq
 * they saw. Appends to one run take a per-run advisory lock for the whole
 * transaction, so seqs commit in order and a follower reading `seq > last`
 * never skips a row that commits late.
 */
import type { Pool, PoolClient } from 'pg';
import type { LiveWorker, RunEvent, RunStatus, StackClaim, StackRunRecord, StoredRunEvent, WorkerIdentity } from '@stackfleet/core';
import { upsertClaimedStackRun } from './pg-runs.js';
import { prepared } from './pg-prepared.js';
import { withTransaction } from './pg-transaction.js';
import { notifyEventsSql, notifyReadySql } from './pg-queue-notify.js';

/** The key of a run's event lock (`pg_advisory_xact_lock(hashtextextended(key, 0))`), also taken inside a completion's claim. */
export function runEventsLockKey(fleet: string, runId: string): string {
  return JSON.stringify(['events', fleet, runId]);
}

async function lockRunEvents(client: PoolClient, fleet: string, runId: string): Promise<void> {
  await client.query(prepared('lock-run-events', 'SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [runEventsLockKey(fleet, runId)]));
}

/** Inserts in order inside the caller's transaction (one statement for the whole batch). */
export async function insertRunEvents(client: PoolClient, fleet: string, runId: string, events: RunEvent[]): Promise<void> {
  if (events.length === 0) return;
  await lockRunEvents(client, fleet, runId);
  // With its notification in the same statement (one round trip per batch).
  await client.query(
    `WITH inserted AS (
       INSERT INTO run_events (fleet, run_id, stack, type, event)
       SELECT $1, $2, e.stack, e.type, e.event FROM unnest($3::text[], $4::text[], $5::json[]) WITH ORDINALITY AS e(stack, type, event, n) ORDER BY n
     )
     SELECT ${notifyEventsSql('$1', '$2')}`,
    [
      fleet,
      runId,
      events.map((event) => ('stack' in event ? event.stack : null)),
      events.map((event) => event.type),
      events.map((event) => JSON.stringify(event)),
    ],
  );
}

const APPEND_COMPLETION_EVENTS_SQL = `WITH inserted AS (
       INSERT INTO run_events (fleet, run_id, stack, type, event)
       SELECT $1, $2, e.stack, e.type, e.event FROM unnest($3::text[], $4::text[], $5::json[]) WITH ORDINALITY AS e(stack, type, event, n) ORDER BY n
     )
     SELECT ${notifyEventsSql('$1', '$2')}, CASE WHEN $6 THEN ${notifyReadySql('$1')} END,
       NOT EXISTS (SELECT 1 FROM queue_nodes WHERE fleet = $1 AND run_id = $2 AND state IN ('waiting', 'ready', 'claimed')) AS drained`;

/**
 * A completion's last statements: its events appended under the run's event
 * lock, with `stackfleet_ready` too when `notifyReady`, and whether the run
 * is drained. Asked after the lock (`locked`: an earlier statement of the
 * transaction took it), which every completion of the run takes last before
 * it commits: of two last completions racing, the second sees the first
 * committed, so exactly one of them sees the run drained.
 */
export async function appendCompletionEvents(
  client: PoolClient,
  fleet: string,
  runId: string,
  events: RunEvent[],
  notifyReady: boolean,
  options: { locked?: boolean } = {},
): Promise<{ drained: boolean }> {
  // Taken already by the completion's claim statement (one round trip less), or here.
  if (!options.locked) await lockRunEvents(client, fleet, runId);
  const result = await client.query<{ drained: boolean }>(
    prepared('append-completion-events', APPEND_COMPLETION_EVENTS_SQL, [
      fleet,
      runId,
      events.map((event) => ('stack' in event ? event.stack : null)),
      events.map((event) => event.type),
      events.map((event) => JSON.stringify(event)),
      notifyReady,
    ]),
  );
  return { drained: result.rows[0]?.drained === true };
}

/**
 * One statement (its own transaction): the fence check (the node share-locked
 * for the statement), then the run's event lock, taken before the first row
 * gets its seq (the insert reads the lock's row), then the batch and its
 * notification. The lock is held for the statement and its commit only, with
 * no round trip to this process in between, so completions of other workers
 * (which take it too) seldom wait for a batch of log lines.
 */
const appendEventsSql = (fence: string): string => `WITH fence AS (
       ${fence}
     ), locked AS MATERIALIZED (
       SELECT pg_advisory_xact_lock(hashtextextended($6, 0)) FROM fence
     ), inserted AS (
       INSERT INTO run_events (fleet, run_id, stack, type, event)
       SELECT $1, $2, e.stack, e.type, e.event FROM unnest($3::text[], $4::text[], $5::json[]) WITH ORDINALITY AS e(stack, type, event, n), locked ORDER BY e.n
     )
     SELECT EXISTS (SELECT 1 FROM fence) AS held, CASE WHEN EXISTS (SELECT 1 FROM fence) AND cardinality($3::text[]) > 0 THEN ${notifyEventsSql('$1', '$2')} END`;
const APPEND_EVENTS_SQL = appendEventsSql('SELECT 1');
const APPEND_CLAIMED_EVENTS_SQL = appendEventsSql(
  `SELECT 1 FROM queue_nodes WHERE fleet = $1 AND run_id = $2 AND stack = $7 AND fence = $8 AND worker_id = $9 AND state = 'claimed' FOR SHARE`,
);

export async function appendRunEvents(pool: Pool, fleet: string, runId: string, events: RunEvent[], claim?: StackClaim): Promise<boolean> {
  if (events.length === 0 && !claim) return true;
  const values = [
    fleet,
    runId,
    events.map((event) => ('stack' in event ? event.stack : null)),
    events.map((event) => event.type),
    events.map((event) => JSON.stringify(event)),
    runEventsLockKey(fleet, runId),
  ];
  const result = await pool.query<{ held: boolean }>(
    claim
      ? prepared('append-claimed-events', APPEND_CLAIMED_EVENTS_SQL, [...values, claim.stack, claim.fence, claim.workerId])
      : prepared('append-events', APPEND_EVENTS_SQL, values),
  );
  return result.rows[0]?.held === true;
}

export async function selectRunEvents(pool: Pool, fleet: string, runId: string, afterSeq: number, limit = 2000): Promise<StoredRunEvent[]> {
  const result = await pool.query<{ seq: string; event: RunEvent }>(
    'SELECT seq, event FROM run_events WHERE fleet = $1 AND run_id = $2 AND seq > $3 ORDER BY seq LIMIT $4',
    [fleet, runId, afterSeq, limit],
  );
  return result.rows.map((row) => ({ seq: Number(row.seq), event: row.event }));
}

export async function selectLastRunEventSeq(pool: Pool, fleet: string, runId: string): Promise<number> {
  const result = await pool.query<{ seq: string | null }>('SELECT max(seq) AS seq FROM run_events WHERE fleet = $1 AND run_id = $2', [fleet, runId]);
  return Number(result.rows[0]?.seq ?? 0);
}

export function putClaimedStackRun(pool: Pool, fleet: string, claim: StackClaim, record: StackRunRecord): Promise<boolean> {
  return upsertClaimedStackRun(pool, fleet, record, claim);
}

/** The run's end, once: the conditional update decides who writes the closing events. */
export async function finishQueuedRun(pool: Pool, fleet: string, runId: string, status: RunStatus, finishedAt: string, events: RunEvent[]): Promise<boolean> {
  return withTransaction(pool, async (client) => {
    await lockRunEvents(client, fleet, runId);
    const updated = await client.query(
      `UPDATE runs SET status = $3, finished_at = $4 WHERE fleet = $1 AND id = $2 AND finished_at IS NULL`,
      [fleet, runId, status, finishedAt],
    );
    if (updated.rowCount !== 1) return false;
    await insertRunEvents(client, fleet, runId, events);
    return true;
  });
}

export async function upsertWorker(pool: Pool, fleet: string, worker: WorkerIdentity, now: Date): Promise<void> {
  await pool.query(
    `INSERT INTO queue_workers (fleet, worker_id, pool, last_seen_ms) VALUES ($1, $2, $3, $4)
     ON CONFLICT (fleet, worker_id) DO UPDATE SET pool = excluded.pool, last_seen_ms = excluded.last_seen_ms`,
    [fleet, worker.id, worker.pool, now.getTime()],
  );
}

export async function selectLiveWorkers(pool: Pool, fleet: string, since: Date): Promise<LiveWorker[]> {
  const result = await pool.query<{ worker_id: string; pool: string; last_seen_ms: string }>(
    'SELECT worker_id, pool, last_seen_ms FROM queue_workers WHERE fleet = $1 AND last_seen_ms >= $2 ORDER BY worker_id',
    [fleet, since.getTime()],
  );
  return result.rows.map((row) => ({ id: row.worker_id, pool: row.pool, lastSeenAt: new Date(Number(row.last_seen_ms)).toISOString() }));
}
