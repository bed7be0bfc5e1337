/**
 * The work queue of distributed runs on PostgreSQL (see core's `WorkQueue`).
 *
 * - Claims take a per-fleet advisory transaction lock, then pick candidates
 *   (ready, or claimed with an expired lease) and claim the first that is
 *   within the label limits and still claimable (`FOR UPDATE SKIP LOCKED` on
 *   that one row): counting running stacks per
 *   label and claiming happen as one step, so `settings.limits` hold across
 *   workers.
 * - Every claim bumps the node's `fence`; renewals and completions name the
 *   fence they hold and change nothing when it moved (a worker whose lease was
 *   taken over cannot commit outputs or mark anything done).
 * - Completing a stack writes its outputs, marks it done and releases (or, on
 *   failure, skips) its dependents in one transaction.
 */
import type { Pool, PoolClient } from 'pg';
import type { QueuedRun, QueueNode, StackClaim, StackResult, WorkerIdentity } from '@stackfleet/core';
import type { KeyProvider } from '../sqlite-outputs.js';
import { sealRows, writeOutputRows } from './pg-outputs.js';
import { insertRunEvents } from './pg-run-events.js';
import { withTransaction } from './pg-transaction.js';
import { notifyReady, notifyReadySql } from './pg-queue-notify.js';

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

async function lockFleetClaims(client: PoolClient, fleet: string): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [JSON.stringify(['claim', fleet])]);
}

/** One statement per table (unnest), so queueing thousands of stacks is a few round trips, not one per row. */
export async function enqueueRun(pool: Pool, fleet: string, run: QueuedRun): Promise<void> {
  const edges = run.stacks.flatMap((stack) => stack.needs.map((upstream) => [upstream, stack.stack] as const));
  await withTransaction(pool, async (client) => {
    // A resumed run is queued again: what was left of its queue goes (nodes and edges cascade).
    await client.query('DELETE FROM queue_runs WHERE fleet = $1 AND run_id = $2', [fleet, run.runId]);
    await client.query('INSERT INTO queue_runs (fleet, run_id, payload, limits) VALUES ($1, $2, $3, $4)', [
      fleet, run.runId, JSON.stringify(run.payload ?? null), JSON.stringify(run.limits),
    ]);
    await client.query(
      `INSERT INTO queue_nodes (fleet, run_id, stack, pool, labels, priority, pending, state, only_as_dependent)
       SELECT $1, $2, n.stack, n.pool, n.labels::jsonb, n.priority, n.pending, CASE WHEN n.pending = 0 THEN 'ready' ELSE 'waiting' END, n.dependent
       FROM unnest($3::text[], $4::text[], $5::text[], $6::float8[], $7::int[], $8::bool[]) AS n(stack, pool, labels, priority, pending, dependent)`,
      [
        fleet,
        run.runId,
        run.stacks.map((stack) => stack.stack),
        run.stacks.map((stack) => stack.pool),
        run.stacks.map((stack) => JSON.stringify(stack.labels)),
        run.stacks.map((stack) => stack.priority),
        run.stacks.map((stack) => stack.needs.length),
        run.stacks.map((stack) => stack.onlyAsDependent ?? false),
      ],
    );
    if (edges.length > 0) {
      await client.query(
        'INSERT INTO queue_edges (fleet, run_id, upstream, dependent) SELECT $1, $2, e.upstream, e.dependent FROM unnest($3::text[], $4::text[]) AS e(upstream, dependent)',
        [fleet, run.runId, edges.map(([upstream]) => upstream), edges.map(([, dependent]) => dependent)],
      );
    }
    await notifyReady(client, fleet);
  });
}

export async function claimStack(pool: Pool, fleet: string, worker: WorkerIdentity, leaseMs: number, now: Date): Promise<StackClaim | undefined> {
  const nowMs = now.getTime();
  return withTransaction(pool, async (client) => {
    // Claims of a fleet are serialized by this lock, so the candidates are read without row locks
    // (FOR UPDATE on all of them wrote a lock into up to 64 rows per claim); only the one claimed
    // is locked (FOR UPDATE SKIP LOCKED) and re-checked.
    await lockFleetClaims(client, fleet);
    // Two index-ordered scans (ready; claimed with an expired lease) instead of one OR over every node of the pool.
    const candidates = (await client.query<NodeRow & { limits: Record<string, number>; payload: unknown }>(
      `SELECT n.*, r.limits, r.payload FROM (
         (SELECT * FROM queue_nodes WHERE fleet = $1 AND pool = $2 AND state = 'ready' ORDER BY priority DESC, stack LIMIT 64)
         UNION ALL
         (SELECT * FROM queue_nodes WHERE fleet = $1 AND pool = $2 AND state = 'claimed' AND lease_ms <= $3 ORDER BY priority DESC, stack LIMIT 64)
       ) n JOIN queue_runs r ON r.fleet = n.fleet AND r.run_id = n.run_id
       WHERE NOT r.cancelled
       ORDER BY n.priority DESC, n.stack, n.run_id
       LIMIT 64`,
      [fleet, worker.pool, nowMs],
    )).rows;
    if (candidates.length === 0) return undefined;
    // Running stacks per label across every worker of the fleet (live leases only); not asked when no candidate's labels are limited.
    const limited = candidates.some((node) => node.labels.some((label) => node.limits[label] !== undefined));
    const running = !limited ? [] : (await client.query<{ label: string; count: string }>(
      `SELECT label, count(*) AS count FROM queue_nodes, jsonb_array_elements_text(labels) AS label
       WHERE fleet = $1 AND state = 'claimed' AND lease_ms > $2 GROUP BY label`,
      [fleet, nowMs],
    )).rows;
    const inUse = new Map(running.map((row) => [row.label, Number(row.count)]));
    const lease = nowMs + leaseMs;
    for (const chosen of candidates) {
      if (!chosen.labels.every((label) => chosen.limits[label] === undefined || (inUse.get(label) ?? 0) < (chosen.limits[label] ?? 0))) continue;
      // Still claimable, and not being written by anyone (a cancel, a renewal racing an expiry): else the next candidate.
      const updated = (await client.query<{ fence: string; attempt: number }>(
        `WITH target AS (
           SELECT fleet, run_id, stack FROM queue_nodes
           WHERE fleet = $1 AND run_id = $2 AND stack = $3 AND (state = 'ready' OR (state = 'claimed' AND lease_ms <= $6))
           FOR UPDATE SKIP LOCKED
         )
         UPDATE queue_nodes n SET state = 'claimed', worker_id = $4, fence = n.fence + 1, attempt = n.attempt + 1, lease_ms = $5
         FROM target t WHERE n.fleet = t.fleet AND n.run_id = t.run_id AND n.stack = t.stack
         RETURNING n.fence, n.attempt`,
        [fleet, chosen.run_id, chosen.stack, worker.id, lease, nowMs],
      )).rows[0];
      if (!updated) continue;
      return {
        runId: chosen.run_id,
        stack: chosen.stack,
        workerId: worker.id,
        fence: Number(updated.fence),
        attempt: updated.attempt,
        leaseExpiresAt: new Date(lease).toISOString(),
        payload: chosen.payload,
        onlyAsDependent: chosen.only_as_dependent,
        upstreams: chosen.only_as_dependent ? await readUpstreamOutcomes(client, fleet, chosen.run_id, chosen.stack) : [],
      };
    }
    return undefined;
  });
}

/** Trigger semantics need the upstreams' outcome only for a stack that is in the run only as a dependent. */
async function readUpstreamOutcomes(client: PoolClient, fleet: string, runId: string, stack: string): Promise<StackClaim['upstreams']> {
  const rows = (await client.query<{ upstream: string; outputs_changed: boolean | null }>(
    `SELECT e.upstream, n.outputs_changed FROM queue_edges e
       JOIN queue_nodes n ON n.fleet = e.fleet AND n.run_id = e.run_id AND n.stack = e.upstream
     WHERE e.fleet = $1 AND e.run_id = $2 AND e.dependent = $3 ORDER BY e.upstream`,
    [fleet, runId, stack],
  )).rows;
  return rows.map((row) => (row.outputs_changed === null ? { stack: row.upstream } : { stack: row.upstream, outputsChanged: row.outputs_changed }));
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
): Promise<boolean> {
  const rows = result.outputs === undefined ? undefined : sealRows(readKey, claim.stack, result.outputs);
  return withTransaction(pool, async (client) => {
    const done = await client.query(
      `UPDATE queue_nodes SET state = 'done', status = $6, reason = $7, lease_ms = NULL, outputs_changed = $8
       WHERE fleet = $1 AND run_id = $2 AND stack = $3 AND fence = $4 AND worker_id = $5 AND state = 'claimed'`,
      [fleet, claim.runId, claim.stack, claim.fence, claim.workerId, result.status, result.reason ?? null, result.outputsChanged ?? null],
    );
    if (done.rowCount !== 1) return false;
    if (rows !== undefined) await writeOutputRows(client, fleet, claim.stack, rows, claim.runId, updatedAt);
    if (result.events) await insertRunEvents(client, fleet, claim.runId, result.events);
    if (releasing.has(result.status)) {
      // Idle workers wake up for the dependents this made ready (the one that finished looks again anyway).
      await client.query(
        `WITH released AS (
           UPDATE queue_nodes n SET pending = pending - 1,
             state = CASE WHEN pending - 1 = 0 AND state = 'waiting' THEN 'ready' ELSE state END
           FROM queue_edges e
           WHERE e.fleet = $1 AND e.run_id = $2 AND e.upstream = $3
             AND n.fleet = e.fleet AND n.run_id = e.run_id AND n.stack = e.dependent
         )
         SELECT ${notifyReadySql('$1')}`,
        [fleet, claim.runId, claim.stack],
      );
    } else {
      // Every stack downstream of a failure is skipped, saying which upstream it waited for.
      await client.query(
        `WITH RECURSIVE downstream(stack) AS (
           SELECT dependent FROM queue_edges WHERE fleet = $1 AND run_id = $2 AND upstream = $3
           UNION
           SELECT e.dependent FROM queue_edges e JOIN downstream d ON e.upstream = d.stack WHERE e.fleet = $1 AND e.run_id = $2
         )
         UPDATE queue_nodes SET state = 'skipped', status = 'skipped', reason = $4
         WHERE fleet = $1 AND run_id = $2 AND stack IN (SELECT stack FROM downstream) AND state IN ('waiting', 'ready')`,
        [fleet, claim.runId, claim.stack, `dependency ${claim.stack} ${result.status}`],
      );
    }
    return true;
  });
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
  // Asked after every stack: EXISTS stops at the first open node instead of counting the run's nodes (quadratic over a run).
  const result = await pool.query(`SELECT 1 FROM queue_nodes WHERE fleet = $1 AND run_id = $2 AND state IN ('waiting', 'ready', 'claimed') LIMIT 1`, [fleet, runId]);
  return result.rowCount === 0;
}

export async function getQueuedRun(pool: Pool, fleet: string, runId: string): Promise<{ payload: unknown; cancelled: boolean } | undefined> {
  const row = (await pool.query<{ payload: unknown; cancelled: boolean }>('SELECT payload, cancelled FROM queue_runs WHERE fleet = $1 AND run_id = $2', [fleet, runId])).rows[0];
  return row && { payload: row.payload, cancelled: row.cancelled };
}
