import { isStackStatus, type DriftRecord, type Store } from '@stackfleet/core';
import type { FleetStackInfo } from '@stackfleet/tui';
import type { Fleet } from '../manifest/read-manifest.js';
import { readLastApply, type RunCache } from '../runtime/read-last-apply.js';

/** Joins the manifest with what the store knows: last run, outputs, lock, drift. */
export async function buildFleetInfo(fleet: Fleet, store: Store, affected?: ReadonlySet<string>): Promise<FleetStackInfo[]> {
  const { manifest } = fleet.loaded;
  const locks = new Map((await store.listLocks()).map((lock) => [lock.stack, lock]));
  const now = Date.now();
  const runs: RunCache = new Map();
  const rows: FleetStackInfo[] = [];
  for (const name of fleet.graph.names) {
    const stack = manifest.stacks[name];
    if (!stack) continue;
    const [last] = await store.listStackHistory(name, 1);
    const outputs = await store.getOutputs(name).catch(() => undefined);
    const drift = await readCurrentDrift(store, name, runs);
    const lock = locks.get(name);
    rows.push({
      name,
      ...(stack.repo === undefined ? {} : { repo: stack.repo }),
      path: stack.path,
      labels: stack.labels,
      runner: stack.runner,
      dependsOn: [...fleet.graph.dependenciesOf(name)],
      dependents: [...fleet.graph.dependentsOf(name)],
      ...(last && isStackStatus(last.state) ? { lastStatus: last.state } : {}),
      ...(last?.finishedAt ?? last?.startedAt ? { lastRunAt: last.finishedAt ?? last.startedAt } : {}),
      outputCount: outputs ? Object.keys(outputs.outputs).length : 0,
      ...(lock && Date.parse(lock.expiresAt) > now ? { lockedBy: `${lock.host}:${lock.pid} (run ${lock.runId})` } : {}),
      ...(drift ? { drift: drift.status } : {}),
      ...(affected ? { affected: affected.has(name) } : {}),
    });
  }
  return rows;
}

/**
 * The last drift check, unless it is settled: a drifted stack that was
 * remediated, or applied after the check, is no longer shown as DRIFTED.
 */
async function readCurrentDrift(store: Store, stack: string, runs: RunCache): Promise<DriftRecord | undefined> {
  const drift = await store.latestDrift(stack);
  if (drift?.status !== 'drifted') return drift;
  if (drift.remediated) return undefined;
  const applied = await readLastApply(store, stack, runs);
  return applied && Date.parse(applied.at) >= Date.parse(drift.checkedAt) ? undefined : drift;
}
