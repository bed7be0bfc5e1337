/**
 * The work queue of distributed runs on PostgreSQL (see core's `WorkQueue`).
 *
 * - Claims (`pg-claim-stacks.ts`) take a per-fleet advisory transaction lock,
 *   then pick candidates (ready, or claimed with an expired lease) within the
 *   label limits and claim them in one statement (`FOR UPDATE SKIP LOCKED`):
 *   counting running stacks per label and claiming happen as one step, so
 *   `settings.limits` hold across workers.
 * - Every claim bumps the node's `fence`; renewals and completions name the
 *   fence they hold and change nothing when it moved (a worker whose lease was
 *   taken over cannot commit outputs or mark anything done).
 * - Completing a stack writes its outputs, events and record, marks it done,
 *   releases (or, on failure, skips) its dependents, releases the worker's
 *   stack lock and claims the worker's next stacks in one transaction.
 */
import type { Pool, PoolClient } from 'pg';
import type { ClaimNext, QueuedRun, QueueNode, StackClaim, StackCompletion, StackResult } from '@stackfleet/core';
import type { KeyProvider } from '../sqlite-outputs.js';
import { sealRows, writeOutputRows } from './pg-outputs.js';
import { appendCompletionEvents, runEventsLockKey } from './pg-run-events.js';
import { withTransaction } from './pg-transaction.js';
import { notifyReady } from './pg-queue-notify.js';
import { stackRunUpsertSql, stackRunValues, upsertPendingStackRuns } from './pg-runs.js';
import { prepared } from './pg-prepared.js';
import { claimStacksWithin, type ClaimedStacks, type ClaimRequest } from './pg-claim-stacks.js';

/** Statuses after which dependents may start. */
const releasing = new Set(['succeeded', 'unchanged', 'changed']);

interface NodeRow {
  run_id: string;
  stack: string;
  pool: string;
  labels: string[];
  state: QueueNode['state'];
  status: string | null;
  reason: string | null;
  worker_id: string | null;
  fence: string;
  attempt: number;
  lease_ms: string | null;
  only_as_dependent: boolean;
}

/**
 * One statement per table (unnest), so queueing thousands of stacks is a few
 * round trips, not one per row; the stacks' `pending` records go in the same transaction.
 */
export async function enqueueRun(pool: Pool, fleet: string, run: QueuedRun): Promise<void> {
  const edges = run.stacks.flatMap((stack) => stack.needs.map((upstream) => [upstream, stack.stack] as const));
  await withTransaction(pool, async (client) => {
    // A resumed run is queued again: what was left of its queue goes (nodes and edges cascade).
    await client.query('DELETE FROM queue_runs WHERE fleet = $1 AND run_id = $2', [fleet, run.runId]);
    await client.query('INSERT INTO queue_runs (fleet, run_id, payload, limits) VALUES ($1, $2, $3, $4)', [
      fleet, run.runId, JSON.stringify(run.payload ?? null), JSON.stringify(run.limits),
    ]);
    await client.query(
      `INSERT INTO queue_nodes (fleet, run_id, stack, pool, labels, priority, pending, state, only_as_dependent, limited)
       SELECT $1, $2, n.stack, n.pool, n.labels::jsonb, n.priority, n.pending, CASE WHEN n.pending = 0 THEN 'ready' ELSE 'waiting' END, n.dependent, n.limited
       FROM unnest($3::text[], $4::text[], $5::text[], $6::float8[], $7::int[], $8::bool[], $9::bool[]) AS n(stack, pool, labels, priority, pending, dependent, limited)`,
      [
        fleet,
        run.runId,
        run.stacks.map((stack) => stack.stack),
        run.stacks.map((stack) => stack.pool),
        run.stacks.map((stack) => JSON.stringify(stack.labels)),
        run.stacks.map((stack) => stack.priority),
        run.stacks.map((stack) => stack.needs.length),
        run.stacks.map((stack) => stack.onlyAsDependent ?? false),
        // Claimed only under the fleet's claim lock, which counts running stacks per label (pg-claim-stacks.ts).
        run.stacks.map((stack) => stack.labels.some((label) => run.limits[label] !== undefined)),
      ],
    );
    if (edges.length > 0) {
      await client.query(
        'INSERT INTO queue_edges (fleet, run_id, upstream, dependent) SELECT $1, $2, e.upstream, e.dependent FROM unnest($3::text[], $4::text[]) AS e(upstream, dependent)',
        [fleet, run.runId, edges.map(([upstream]) => upstream), edges.map(([, dependent]) => dependent)],
      );
    }
    await upsertPendingStackRuns(client, fleet, run.runId, run.stacks.map((stack) => stack.stack));
    await notifyReady(client, fleet);
  });
  // A fresh run's thousands of rows are not in the planner's statistics until autovacuum gets to them:
  // until then every completion's statements were planned for a one-row run (walks over the whole run).
  if (run.stacks.length >= ANALYZE_FROM_STACKS) await pool.query('ANALYZE queue_nodes, queue_edges');
}

/** Runs this large get their queue tables analyzed when queued (smaller ones are cheap with any plan). */
const ANALYZE_FROM_STACKS = 100;

/** Up to `limit` stacks in one transaction (see `claimStacksWithin`). */
export async function claimStacks(pool: Pool, fleet: string, request: ClaimRequest): Promise<StackClaim[]> {
  return withTransaction(pool, async (client) => (await claimStacksWithin(client, fleet, request)).claims);
}

export async function renewClaim(pool: Pool, fleet: string, claim: StackClaim, leaseMs: number, now: Date): Promise<boolean> {
  const result = await pool.query(
    `UPDATE queue_nodes n SET lease_ms = $6 FROM queue_runs r
     WHERE n.fleet = $1 AND n.run_id = $2 AND n.stack = $3 AND n.fence = $4 AND n.worker_id = $5 AND n.state = 'claimed'
       AND r.fleet = n.fleet AND r.run_id = n.run_id AND NOT r.cancelled`,
    [fleet, claim.runId, claim.stack, claim.fence, claim.workerId, now.getTime() + leaseMs],
  );
  return result.rowCount === 1;
}

export async function completeStack(
  pool: Pool,
  fleet: string,
  readKey: KeyProvider,
  claim: StackClaim,
  result: StackResult,
  updatedAt: string,
  next?: ClaimNext,
): Promise<StackCompletion> {
  const rows = result.outputs === undefined ? undefined : sealRows(readKey, claim.stack, result.outputs);
  return withTransaction(pool, async (client) => {
    const finished = await finishNode(client, fleet, claim, result);
    if (!finished) return { committed: false, claims: [], drained: false };
    if (rows !== undefined) await writeOutputRows(client, fleet, claim.stack, rows, claim.runId, updatedAt);
    const readyPools = releasing.has(result.status) ? finished.readyPools : await skipDownstream(client, fleet, claim, result.status);
    const asking = next !== undefined && next.limit > 0 ? next : undefined;
    const claimed: ClaimedStacks = asking
      ? await claimStacksWithin(client, fleet, { ...asking, eventsLockKey: runEventsLockKey(fleet, claim.runId) } satisfies ClaimRequest)
      : { claims: [], leftover: false };
    // Wake other workers only for what this worker leaves (stacks of other pools, or more than it took): no thundering herd per completion.
    const wakeOthers = readyPools.some((readyPool) => readyPool !== asking?.worker.pool) || claimed.leftover;
    // Last, so the run's event lock is held only for this statement and the commit (taken at the end of the claim's, when it could).
    const { drained } = await appendCompletionEvents(client, fleet, claim.runId, result.events ?? [], wakeOthers, { locked: claimed.eventsLocked === true });
    return { committed: true, claims: claimed.claims, drained };
  });
}

const FINISH_NODE_SQL = `WITH done AS (
       UPDATE queue_nodes SET state = 'done', status = $16, reason = $17, lease_ms = NULL, outputs_changed = $18
       WHERE fleet = $1 AND run_id = $2 AND stack = $3 AND fence = $14 AND worker_id = $15 AND state = 'claimed'
       RETURNING stack
     ), recorded AS (
       ${stackRunUpsertSql('$20 AND EXISTS (SELECT 1 FROM done)')}
     ), released AS (
       -- The dependents as an array first (an init plan), then primary-key lookups: a join let the planner, with
       -- no statistics yet for a freshly queued run, walk every node of the run per completion (~9 ms at 2,000).
       UPDATE queue_nodes n SET pending = pending - 1,
         state = CASE WHEN pending - 1 = 0 AND state = 'waiting' THEN 'ready' ELSE state END
       WHERE $19 AND EXISTS (SELECT 1 FROM done) AND n.fleet = $1 AND n.run_id = $2
         AND n.stack = ANY (ARRAY(SELECT e.dependent FROM queue_edges e WHERE e.fleet = $1 AND e.run_id = $2 AND e.upstream = $3))
       RETURNING n.pool, n.state
     ), unlocked AS (
       -- The worker's own stack lock (its holder's row only), whether or not the fence still holds: it is this worker's either way.
       DELETE FROM locks WHERE $21 AND fleet = $1 AND stack = $3 AND host = $22 AND pid = $23 AND run_id = $24
     )
     SELECT (SELECT count(*) FROM done)::int AS done, ARRAY(SELECT DISTINCT pool FROM released WHERE state = 'ready' ORDER BY pool) AS ready_pools`;

/**
 * One statement: marks the node done (only while the claim holds its fence),
 * writes the stack's last record and, for a status that releases, decrements
 * the dependents' counters; undefined when the fence moved (nothing written
 * but the release of the worker's own stack lock, `releaseLock`).
 * Returns the pools of dependents that became ready (one entry per pool).
 */
async function finishNode(client: PoolClient, fleet: string, claim: StackClaim, result: StackResult): Promise<{ readyPools: string[] } | undefined> {
  // $1..$13 are the record's values (fleet, run, stack first), or just those three without a record.
  const head = result.record ? stackRunValues(fleet, result.record) : [fleet, claim.runId, claim.stack, ...Array<null>(10).fill(null)];
  const finished = await client.query<{ done: number; ready_pools: string[] }>(
    prepared('finish-node', FINISH_NODE_SQL, [
      ...head,
      claim.fence,
      claim.workerId,
      result.status,
      result.reason ?? null,
      result.outputsChanged ?? null,
      releasing.has(result.status),
      result.record !== undefined,
      result.releaseLock !== undefined,
      result.releaseLock?.host ?? null,
      result.releaseLock?.pid ?? null,
      result.releaseLock?.runId ?? null,
    ]),
  );
  const row = finished.rows[0];
  return row && row.done === 1 ? { readyPools: row.ready_pools } : undefined;
}

/** Every stack downstream of a failure is skipped, saying which upstream it waited for; nothing became ready. */
async function skipDownstream(client: PoolClient, fleet: string, claim: StackClaim, status: string): Promise<string[]> {
  await client.query(
    `WITH RECURSIVE downstream(stack) AS (
       SELECT dependent FROM queue_edges WHERE fleet = $1 AND run_id = $2 AND upstream = $3
       UNION
       SELECT e.dependent FROM queue_edges e JOIN downstream d ON e.upstream = d.stack WHERE e.fleet = $1 AND e.run_id = $2
     )
     UPDATE queue_nodes SET state = 'skipped', status = 'skipped', reason = $4
     WHERE fleet = $1 AND run_id = $2 AND stack IN (SELECT stack FROM downstream) AND state IN ('waiting', 'ready')`,
    [fleet, claim.runId, claim.stack, `dependency ${claim.stack} ${status}`],
  );
  return [];
}

export async function cancelRun(pool: Pool, fleet: string, runId: string): Promise<void> {
  await withTransaction(pool, async (client) => {
    await client.query('UPDATE queue_runs SET cancelled = TRUE WHERE fleet = $1 AND run_id = $2', [fleet, runId]);
    await client.query(
      `UPDATE queue_nodes SET state = 'skipped', status = 'skipped', reason = 'run cancelled'
       WHERE fleet = $1 AND run_id = $2 AND state IN ('waiting', 'ready')`,
      [fleet, runId],
    );
  });
}

export async function listNodes(pool: Pool, fleet: string, runId: string): Promise<QueueNode[]> {
  const rows = (await pool.query<NodeRow>('SELECT * FROM queue_nodes WHERE fleet = $1 AND run_id = $2 ORDER BY priority DESC, stack', [fleet, runId])).rows;
  return rows.map((row) => ({
    stack: row.stack,
    pool: row.pool,
    state: row.state,
    attempt: row.attempt,
    ...(row.status === null ? {} : { status: row.status as NonNullable<QueueNode['status']> }),
    ...(row.reason === null ? {} : { reason: row.reason }),
    ...(row.worker_id === null ? {} : { workerId: row.worker_id }),
    ...(row.state === 'claimed' && row.lease_ms !== null ? { leaseExpiresAt: new Date(Number(row.lease_ms)).toISOString() } : {}),
  }));
}

export async function isRunDrained(pool: Pool, fleet: string, runId: string): Promise<boolean> {
  // Stops at the first open node instead of counting the run's nodes (quadratic over a run when asked per stack).
  const result = await pool.query(`SELECT 1 FROM queue_nodes WHERE fleet = $1 AND run_id = $2 AND state IN ('waiting', 'ready', 'claimed') LIMIT 1`, [fleet, runId]);
  return result.rowCount === 0;
}

export async function getQueuedRun(pool: Pool, fleet: string, runId: string): Promise<{ payload: unknown; cancelled: boolean } | undefined> {
  const row = (await pool.query<{ payload: unknown; cancelled: boolean }>('SELECT payload, cancelled FROM queue_runs WHERE fleet = $1 AND run_id = $2', [fleet, runId])).rows[0];
  return row && { payload: row.payload, cancelled: row.cancelled };
}
