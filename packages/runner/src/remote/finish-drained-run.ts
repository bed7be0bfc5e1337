import { isKeptOnResume, type RunEvent, type RunStatus } from '@stackfleet/core';
import { summarizeRun } from '../engine/summarize-run.js';
import type { StackOutcome } from '../engine/types.js';
import type { QueueStore } from './remote-payload.js';

/**
 * Closes a distributed run once nothing of it is waiting, ready or claimed:
 * stacks the queue skipped (downstream of a failure, or cancelled) get their
 * `stack.finished`, then `run.finished` with the summary, in one transaction
 * that only the first caller wins. Workers call it after each stack; followers
 * and `logs --follow` call it too, so a run whose last worker died still ends.
 */
export async function finishDrainedRun(store: QueueStore, runId: string, now: Date): Promise<boolean> {
  if (!(await store.isRunDrained(runId))) return false;
  const [run, queued, nodes, records] = await Promise.all([store.getRun(runId), store.getQueuedRun(runId), store.listNodes(runId), store.listStackRuns(runId)]);
  if (!run || run.finishedAt !== undefined) return false;
  const durations = new Map(records.map((record) => [record.stack, record.durationMs ?? 0]));
  const states = new Map(records.map((record) => [record.stack, record.state]));
  const outcomes = new Map<string, StackOutcome>();
  const closing: RunEvent[] = [];
  for (const name of run.stacks) {
    const node = nodes.find((candidate) => candidate.stack === name);
    // Finished before a `resume` queued the rest again: not in the queue, counted as it ended.
    const kept = states.get(name);
    if (!node && kept !== undefined && isKeptOnResume(kept)) {
      outcomes.set(name, { status: kept, reason: 'finished before the run was resumed', durationMs: 0 });
      continue;
    }
    const status = node?.status ?? 'skipped';
    const reason = node?.reason ?? (node ? undefined : 'not queued');
    outcomes.set(name, { status, durationMs: durations.get(name) ?? 0, ...(reason === undefined ? {} : { reason }) });
    if (node?.state === 'skipped' || !node) {
      await store.putStackRun({ runId, stack: name, state: 'skipped', attempt: 0, finishedAt: now.toISOString(), durationMs: 0, ...(reason ? { reason } : {}) });
      closing.push({ type: 'stack.finished', runId, stack: name, status: 'skipped', durationMs: 0, ...(reason ? { reason } : {}), at: now.toISOString() });
    }
  }
  const status: RunStatus = queued?.cancelled
    ? 'interrupted'
    : [...outcomes.values()].some((outcome) => outcome.status === 'failed')
      ? 'failed'
      : [...outcomes.values()].some((outcome) => outcome.status === 'denied')
        ? 'denied'
        : [...outcomes.values()].some((outcome) => outcome.status === 'awaiting_approval')
          ? 'awaiting_approval'
          : 'succeeded';
  const summary = summarizeRun(outcomes, now.getTime() - Date.parse(run.startedAt));
  closing.push({ type: 'run.finished', runId, status, summary, at: now.toISOString() });
  return store.finishQueuedRun(runId, status, now.toISOString(), closing);
}
