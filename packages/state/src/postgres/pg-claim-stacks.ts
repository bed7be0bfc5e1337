/**
 * Claiming stacks of the PostgreSQL work queue, inside a transaction the
 * caller holds: a claim of its own (`claimStacks`), or the tail of a
 * completion, so a worker finishes a stack and takes its next ones in one
 * round of writes (`completeStack` with `next`).
 *
 * Ready stacks with no limited label are claimed by one statement, racing
 * claimers skipping each other's rows (`FOR UPDATE SKIP LOCKED`). Stacks
 * with a label `settings.limits` caps, and takeovers of expired leases, are
 * claimed under a per-fleet advisory transaction lock, so running stacks per
 * label are counted and claimed as one step across workers; the chosen rows
 * are then claimed with one `FOR UPDATE SKIP LOCKED` statement (a row a
 * cancel or a renewal is writing right now is left for the next claim).
 */
import type { PoolClient } from 'pg';
import type { StackClaim, WorkerIdentity } from '@stackfleet/core';
import { prepared } from './pg-prepared.js';

export interface ClaimRequest {
  worker: WorkerIdentity;
  /** How many stacks at most (the worker's free `-j` slots). */
  limit: number;
  leaseMs: number;
  now: Date;
  /**
   * A completion's claim: the key of its run's event lock (`runEventsLockKey`),
   * which the claim statement takes last when no claim under the fleet's
   * lock follows it (that one takes the fleet's lock before the event lock,
   * never after it: no two completions wait for each other).
   */
  eventsLockKey?: string;
}

export interface ClaimedStacks {
  claims: StackClaim[];
  /** Claimable stacks of the pool (within the limits) that this claim left for other workers. */
  leftover: boolean;
  /** The run's event lock (`eventsLockKey`) is held now, for the rest of the transaction. */
  eventsLocked?: boolean;
}

interface CandidateRow {
  run_id: string;
  stack: string;
  labels: string[];
  only_as_dependent: boolean;
  limits: Record<string, number>;
  payload: unknown;
}

/** Candidates read per claim: enough to find claimable ones past label-limited ones. */
const CANDIDATES = 64;

async function lockFleetClaims(client: PoolClient, fleet: string): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [JSON.stringify(['claim', fleet])]);
}

/**
 * Claims the best `limit` stacks of `worker.pool`: ready ones, or claimed
 * ones whose lease expired (taken over), highest priority (critical path)
 * first, ties by name, skipping those whose labels are at their limit across
 * every worker of the fleet.
 *
 * Most claims need no lock of the fleet: ready stacks none of whose labels
 * is limited are claimed by one statement (`ORDER BY priority … LIMIT n FOR
 * UPDATE SKIP LOCKED`), racing workers skipping each other's rows. Only when
 * that left slots free while limited stacks or expired leases wait does the
 * claim take the fleet's lock and count (`claimUnderLock`). The statement
 * claims only stacks that rank before the best of those (priority, then
 * name), so critical-path order holds across both ways of claiming.
 */
export async function claimStacksWithin(client: PoolClient, fleet: string, request: ClaimRequest): Promise<ClaimedStacks> {
  if (request.limit <= 0) return { claims: [], leftover: false };
  const fast = await claimUnlimited(client, fleet, request);
  if (fast.claims.length === request.limit || !fast.more) return { claims: fast.claims, leftover: fast.leftover, eventsLocked: fast.eventsLocked };
  const slow = await claimUnderLock(client, fleet, { ...request, limit: request.limit - fast.claims.length });
  return { claims: [...fast.claims, ...slow.claims], leftover: fast.leftover || slow.leftover };
}

interface ClaimedRow {
  run_id: string | null;
  stack: string;
  fence: string;
  attempt: number;
  only_as_dependent: boolean;
  payload: unknown;
  ready: number | null;
  more: boolean | null;
  events_locked: boolean | null;
}

const CLAIM_UNLIMITED_SQL = `WITH special AS (
       SELECT priority, stack FROM (
         (SELECT priority, stack FROM queue_nodes WHERE fleet = $1 AND pool = $2 AND state = 'ready' AND limited ORDER BY priority DESC, stack LIMIT 1)
         UNION ALL
         (SELECT n.priority, n.stack FROM queue_nodes n JOIN queue_runs r ON r.fleet = n.fleet AND r.run_id = n.run_id
          WHERE n.fleet = $1 AND n.pool = $2 AND n.state = 'claimed' AND n.lease_ms <= $6 AND NOT r.cancelled ORDER BY n.priority DESC, n.stack LIMIT 1)
       ) best ORDER BY priority DESC, stack LIMIT 1
     ), picked AS (
       SELECT n.fleet, n.run_id, n.stack FROM queue_nodes n
       WHERE n.fleet = $1 AND n.pool = $2 AND n.state = 'ready' AND NOT n.limited
         AND NOT EXISTS (SELECT 1 FROM queue_runs r WHERE r.fleet = n.fleet AND r.run_id = n.run_id AND r.cancelled)
         AND NOT EXISTS (SELECT 1 FROM special s WHERE s.priority > n.priority OR (s.priority = n.priority AND s.stack <= n.stack))
       ORDER BY n.priority DESC, n.stack
       LIMIT $3
       FOR UPDATE OF n SKIP LOCKED
     ), claimed AS (
       UPDATE queue_nodes n SET state = 'claimed', worker_id = $4, fence = n.fence + 1, attempt = n.attempt + 1, lease_ms = $5
       FROM picked p WHERE n.fleet = p.fleet AND n.run_id = p.run_id AND n.stack = p.stack
       RETURNING n.run_id, n.stack, n.fence, n.attempt, n.only_as_dependent, n.priority
     )
     (SELECT c.run_id, c.stack, c.fence, c.attempt, c.only_as_dependent, r.payload, NULL::int AS ready, NULL::boolean AS more, NULL::boolean AS events_locked
      FROM claimed c JOIN queue_runs r ON r.fleet = $1 AND r.run_id = c.run_id
      ORDER BY c.priority DESC, c.stack)
     UNION ALL
     SELECT NULL, NULL, NULL, NULL, NULL, NULL,
       (SELECT count(*) FROM (SELECT 1 FROM queue_nodes WHERE fleet = $1 AND pool = $2 AND state = 'ready' LIMIT $3 + 1) seen)::int,
       EXISTS (SELECT 1 FROM special),
       -- Last, and only when no claim under the fleet's lock can follow (see ClaimRequest.eventsLockKey).
       CASE WHEN $7::text IS NOT NULL AND NOT EXISTS (SELECT 1 FROM special)
         THEN (SELECT true FROM (SELECT pg_advisory_xact_lock(hashtextextended($7::text, 0))) taken) ELSE false END`;

/**
 * One statement: claims ready stacks without a limited label that rank
 * before the best limited ready stack or expired lease of the pool, then
 * one more row saying what is left (ready stacks seen; whether such a stack waits).
 */
async function claimUnlimited(client: PoolClient, fleet: string, request: ClaimRequest): Promise<ClaimedStacks & { more: boolean }> {
  const nowMs = request.now.getTime();
  const lease = nowMs + request.leaseMs;
  const rows = (await client.query<ClaimedRow>(
    prepared('claim-unlimited', CLAIM_UNLIMITED_SQL, [fleet, request.worker.pool, request.limit, request.worker.id, lease, nowMs, request.eventsLockKey ?? null]),
  )).rows;
  const summary = rows.at(-1);
  const claimed = rows.filter((row) => row.run_id !== null);
  const claims: StackClaim[] = [];
  for (const row of claimed) {
    claims.push(await describeClaim(client, fleet, request, lease, { ...row, run_id: row.run_id ?? '' }, row));
  }
  // The count is of the statement's snapshot, which still shows the rows it claimed as ready.
  return { claims, leftover: (summary?.ready ?? 0) > claims.length, more: summary?.more === true, eventsLocked: summary?.events_locked === true };
}

async function describeClaim(
  client: PoolClient,
  fleet: string,
  request: ClaimRequest,
  lease: number,
  node: { run_id: string; stack: string; only_as_dependent: boolean; payload: unknown },
  token: { fence: string; attempt: number },
): Promise<StackClaim> {
  return {
    runId: node.run_id,
    stack: node.stack,
    workerId: request.worker.id,
    fence: Number(token.fence),
    attempt: token.attempt,
    leaseExpiresAt: new Date(lease).toISOString(),
    payload: node.payload,
    onlyAsDependent: node.only_as_dependent,
    upstreams: node.only_as_dependent ? await readUpstreamOutcomes(client, fleet, node.run_id, node.stack) : [],
  };
}

/**
 * Under the fleet's claim lock: candidates (ready, or claimed with an
 * expired lease), the running stacks per limited label counted across every
 * worker, and the chosen ones claimed in one statement.
 */
async function claimUnderLock(client: PoolClient, fleet: string, request: ClaimRequest): Promise<ClaimedStacks> {
  const nowMs = request.now.getTime();
  await lockFleetClaims(client, fleet);
  // Two index-ordered scans (ready; claimed with an expired lease) instead of one OR over every node of the pool.
  const candidates = (await client.query<CandidateRow>(
    `SELECT n.run_id, n.stack, n.labels, n.only_as_dependent, r.limits, r.payload FROM (
       (SELECT * FROM queue_nodes WHERE fleet = $1 AND pool = $2 AND state = 'ready' ORDER BY priority DESC, stack LIMIT $4)
       UNION ALL
       (SELECT * FROM queue_nodes WHERE fleet = $1 AND pool = $2 AND state = 'claimed' AND lease_ms <= $3 ORDER BY priority DESC, stack LIMIT $4)
     ) n JOIN queue_runs r ON r.fleet = n.fleet AND r.run_id = n.run_id
     WHERE NOT r.cancelled
     ORDER BY n.priority DESC, n.stack, n.run_id
     LIMIT $4`,
    [fleet, request.worker.pool, nowMs, Math.max(CANDIDATES, request.limit + 1)],
  )).rows;
  if (candidates.length === 0) return { claims: [], leftover: false };
  const inUse = await countRunningLabels(client, fleet, candidates, nowMs);
  const chosen: CandidateRow[] = [];
  let leftover = false;
  for (const candidate of candidates) {
    const fits = candidate.labels.every((label) => candidate.limits[label] === undefined || (inUse.get(label) ?? 0) < (candidate.limits[label] ?? 0));
    if (!fits) continue;
    if (chosen.length === request.limit) {
      leftover = true;
      break;
    }
    chosen.push(candidate);
    for (const label of candidate.labels) inUse.set(label, (inUse.get(label) ?? 0) + 1);
  }
  const lease = nowMs + request.leaseMs;
  // Still claimable, and not being written by anyone (a cancel, a renewal racing an expiry): else left out.
  const updated = (await client.query<{ run_id: string; stack: string; fence: string; attempt: number }>(
    `WITH target AS (
       SELECT q.fleet, q.run_id, q.stack FROM queue_nodes q
         JOIN unnest($2::text[], $3::text[]) AS c(run_id, stack) ON q.run_id = c.run_id AND q.stack = c.stack
       WHERE q.fleet = $1 AND (q.state = 'ready' OR (q.state = 'claimed' AND q.lease_ms <= $6))
       FOR UPDATE OF q SKIP LOCKED
     )
     UPDATE queue_nodes n SET state = 'claimed', worker_id = $4, fence = n.fence + 1, attempt = n.attempt + 1, lease_ms = $5
     FROM target t WHERE n.fleet = t.fleet AND n.run_id = t.run_id AND n.stack = t.stack
     RETURNING n.run_id, n.stack, n.fence, n.attempt`,
    [fleet, chosen.map((node) => node.run_id), chosen.map((node) => node.stack), request.worker.id, lease, nowMs],
  )).rows;
  const tokens = new Map(updated.map((row) => [`${row.run_id}\n${row.stack}`, row]));
  const claims: StackClaim[] = [];
  // In the candidates' order (best first), so the worker starts the most critical one first.
  for (const node of chosen) {
    const token = tokens.get(`${node.run_id}\n${node.stack}`);
    if (token) claims.push(await describeClaim(client, fleet, request, lease, node, token));
  }
  return { claims, leftover };
}

/** Running stacks per label across every worker of the fleet (live leases only); not asked when no candidate's labels are limited. */
async function countRunningLabels(client: PoolClient, fleet: string, candidates: CandidateRow[], nowMs: number): Promise<Map<string, number>> {
  const limited = candidates.some((node) => node.labels.some((label) => node.limits[label] !== undefined));
  if (!limited) return new Map();
  const running = (await client.query<{ label: string; count: string }>(
    `SELECT label, count(*) AS count FROM queue_nodes, jsonb_array_elements_text(labels) AS label
     WHERE fleet = $1 AND state = 'claimed' AND lease_ms > $2 GROUP BY label`,
    [fleet, nowMs],
  )).rows;
  return new Map(running.map((row) => [row.label, Number(row.count)]));
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
