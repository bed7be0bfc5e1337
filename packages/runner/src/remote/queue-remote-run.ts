import { measurePlanChains, type Manifest, type RunEvent, type RunPlan } from '@stackfleet/core';
import { createRunId } from '../run/create-run-id.js';
import { readRunHost } from '../run/read-run-host.js';
import type { QueueStore, RemoteRunPayload } from './remote-payload.js';

export interface QueueRemoteRunOptions {
  store: QueueStore;
  manifest: Manifest;
  payload: RemoteRunPayload;
  /** How the run was asked for (the CLI's flags), kept for `history`. */
  selection: Record<string, unknown>;
  now?: () => Date;
}

/**
 * `--remote`: records the run and queues its stacks (pool, labels, critical
 * path priority, in-run upstreams) for workers, then writes the events a
 * local run starts with, so every follower sees the same stream from seq 1.
 * The run record holds the manifest's repository-relative path.
 */
export async function queueRemoteRun(plan: RunPlan, options: QueueRemoteRunOptions): Promise<string> {
  const { store, manifest, payload } = options;
  const now = options.now ?? (() => new Date());
  const runId = createRunId(now());
  const { host, startedBy } = readRunHost();
  const startedAt = now().toISOString();
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
  for (const stack of plan.stacks) await store.putStackRun({ runId, stack: stack.name, state: 'pending', attempt: 0 });
  // Written before the stacks become claimable: no worker's event can precede run.started.
  const opening: RunEvent[] = [
    { type: 'run.started', runId, command: plan.command, stacks: plan.stacks.map((stack) => stack.name), concurrency: plan.concurrency, at: startedAt },
    ...plan.stacks.map((stack): RunEvent => ({ type: 'stack.queued', runId, stack: stack.name, at: startedAt })),
  ];
  await store.appendRunEvents(runId, opening);
  const chains = measurePlanChains(plan);
  await store.enqueueRun({
    runId,
    payload,
    limits: plan.limits,
    stacks: plan.stacks.map((stack) => ({
      stack: stack.name,
      pool: manifest.stacks[stack.name]?.pool ?? 'default',
      labels: manifest.stacks[stack.name]?.labels ?? [],
      priority: chains.get(stack.name) ?? 0,
      needs: stack.needs,
    })),
  });
  return runId;
}
