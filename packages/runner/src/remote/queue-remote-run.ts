import { measurePlanChains, type Manifest, type ResumeState, type RunEvent, type RunPlan, type StackStatus } from '@stackfleet/core';
import { createRunId } from '../run/create-run-id.js';
import { readRunHost } from '../run/read-run-host.js';
import type { QueueStore, RemoteRunPayload } from './remote-payload.js';

export interface QueueRemoteRunOptions {
  store: QueueStore;
  manifest: Manifest;
  payload: RemoteRunPayload;
  /** How the run was asked for (the CLI's flags), kept for `history`. */
  selection: Record<string, unknown>;
  /** Queue the unfinished stacks of this earlier run again, under its id (`resume`). */
  resume?: ResumeState;
  now?: () => Date;
}

export interface QueuedRemoteRun {
  runId: string;
  /** Follow from after this event: the run's earlier attempts come before it. */
  afterSeq: number;
}

/**
 * `--remote`: records the run and queues its stacks (pool, labels, critical
 * path priority, in-run upstreams) for workers, then writes the events a
 * local run starts with, so every follower sees the same stream from seq 1.
 * The run record holds the manifest's repository-relative path. A resumed
 * run is reopened instead, and only the stacks it has not finished are
 * queued (their in-run upstreams among them; finished ones count as done),
 * with a new `run.started` naming the kept ones, as a local resume does.
 */
export async function queueRemoteRun(plan: RunPlan, options: QueueRemoteRunOptions): Promise<QueuedRemoteRun> {
  const { store, manifest, payload, resume } = options;
  const now = options.now ?? (() => new Date());
  const runId = resume?.runId ?? createRunId(now());
  const { host, startedBy } = readRunHost();
  const startedAt = now().toISOString();
  const kept: ReadonlyMap<string, StackStatus> = resume?.alreadyDone ?? new Map();
  const queued = plan.stacks.filter((stack) => !kept.has(stack.name));
  if (resume) {
    await store.reopenRun?.(runId, { host, pid: process.pid });
  } else {
    await store.createRun({
      id: runId,
      command: plan.command,
      selection: { ...options.selection, remote: true, ...(payload.runCommand ? { runCommand: payload.runCommand } : {}) },
      stacks: plan.stacks.map((stack) => stack.name),
      startedBy,
      host,
      pid: process.pid,
      repoShas: payload.repoShas,
      manifestPath: payload.manifestPath,
      startedAt,
      status: 'running',
    });
  }
  const afterSeq = resume ? await store.readLastRunEventSeq(runId) : 0;
  const alreadyDone = [...kept].map(([stack, status]) => ({ stack, status }));
  // Written before the stacks become claimable: no worker's event can precede run.started.
  const opening: RunEvent[] = [
    {
      type: 'run.started',
      runId,
      command: plan.command,
      stacks: plan.stacks.map((stack) => stack.name),
      concurrency: plan.concurrency,
      ...(alreadyDone.length > 0 ? { alreadyDone } : {}),
      at: startedAt,
    },
    ...queued.map((stack): RunEvent => ({ type: 'stack.queued', runId, stack: stack.name, at: startedAt })),
  ];
  await store.appendRunEvents(runId, opening);
  const chains = measurePlanChains(plan);
  // Also writes the queued stacks' `pending` records (one statement, not one round trip per stack).
  await store.enqueueRun({
    runId,
    payload,
    limits: plan.limits,
    stacks: queued.map((stack) => ({
      stack: stack.name,
      pool: manifest.stacks[stack.name]?.pool ?? 'default',
      labels: manifest.stacks[stack.name]?.labels ?? [],
      priority: chains.get(stack.name) ?? 0,
      needs: stack.needs.filter((upstream) => !kept.has(upstream)),
      // A kept upstream's outputs change is not known any more: as on a local resume, its dependent runs.
      ...(stack.onlyAsDependent && !stack.needs.some((upstream) => kept.has(upstream)) ? { onlyAsDependent: true } : {}),
    })),
  });
  return { runId, afterSeq };
}

/**
 * Whether a queued run is still being worked on (queued, not cancelled, not
 * finished): `resume` then follows it again instead of queueing anything.
 */
export async function isRemoteRunLive(store: QueueStore, runId: string): Promise<boolean> {
  const [queued, run] = await Promise.all([store.getQueuedRun(runId), store.getRun(runId)]);
  return queued !== undefined && !queued.cancelled && run !== undefined && run.finishedAt === undefined;
}
