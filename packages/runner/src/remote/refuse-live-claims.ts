import { formatCount, StackfleetError, type QueueNode } from '@stackfleet/core';
import type { QueueStore } from './remote-payload.js';

/** Stacks of a queued run that workers hold right now: claimed, with a lease that has not ended. */
export async function listLiveClaims(store: QueueStore, runId: string, now: Date): Promise<QueueNode[]> {
  const nodes = await store.listNodes(runId);
  return nodes.filter((node) => node.state === 'claimed' && node.leaseExpiresAt !== undefined && Date.parse(node.leaseExpiresAt) > now.getTime());
}

/**
 * Refuses to take a run back from workers that still hold some of its
 * stacks (their leases live, so they heartbeat and may be applying):
 * `resume --force` would release the locks those applies hold, and queueing
 * the run again would hand the same stacks to a second worker while the
 * first still runs them. Throws `E_RUN_LIVE` naming what is live and how to
 * stop it first; a worker that died lets its lease run out, and then nothing
 * is live any more.
 */
export async function refuseLiveClaims(store: QueueStore, runId: string, now: Date, action: string): Promise<void> {
  const live = await listLiveClaims(store, runId, now);
  if (live.length === 0) return;
  const held = live.map((node) => `${node.stack} (worker ${node.workerId ?? '?'}, lease until ${node.leaseExpiresAt ?? '?'})`);
  const cancelled = (await store.getQueuedRun(runId))?.cancelled === true;
  throw new StackfleetError(
    'E_RUN_LIVE',
    `cannot ${action} run ${runId}: workers still run ${formatCount(live.length, 'stack')} of it: ${held.join(', ')}`,
    {
      hint: cancelled
        ? `the run is cancelled and its workers are stopping these stacks; wait until they have (their leases end), then ${action} it again`
        : `follow it instead (\`stackfleet resume ${runId}\` without --force, or \`stackfleet logs ${runId} --follow\`), or cancel it first: Ctrl-C on its follower (or on \`stackfleet resume ${runId}\`) stops its stacks; once they have stopped, ${action} it again`,
    },
  );
}
