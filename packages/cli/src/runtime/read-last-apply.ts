import type { RunRecord, Store } from '@stackfleet/core';

/** A stack's last successful apply: when, in which run, at which repo shas. */
export interface LastApply {
  runId: string;
  at: string;
  repoShas: Record<string, string>;
}

// Runs are shared by many stacks: each is read once per caller.
export type RunCache = Map<string, Promise<RunRecord | undefined>>;

/**
 * The newest run that left the stack's infrastructure matching its code: an
 * apply that applied it or planned no changes, or a drift remediation. A
 * successful destroy since then means nothing is applied. Derived from the
 * run history, so every store implementation answers it.
 */
export async function readLastApply(store: Store, stack: string, runs: RunCache = new Map()): Promise<LastApply | undefined> {
  for (const row of await store.listStackHistory(stack, 50)) {
    if (!runs.has(row.runId)) runs.set(row.runId, store.getRun(row.runId));
    const run = await runs.get(row.runId);
    if (!run) continue;
    const at = row.finishedAt ?? row.startedAt ?? run.startedAt;
    if (run.command === 'destroy' && row.state === 'succeeded') return undefined;
    const applied = run.command === 'apply' && (row.state === 'succeeded' || row.state === 'unchanged');
    // In a drift sweep a check ends unchanged or changed; only a remediated stack ends succeeded.
    const remediated = run.command === 'drift' && row.state === 'succeeded';
    if (applied || remediated) return { runId: run.id, at, repoShas: run.repoShas };
  }
  return undefined;
}
