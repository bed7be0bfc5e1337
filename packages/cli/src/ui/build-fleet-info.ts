import type { Store } from '@stackfleet/core';
import type { FleetStackInfo } from '@stackfleet/tui';
import type { Fleet } from '../manifest/read-manifest.js';

/** Joins the manifest with what the store knows: last run, outputs, lock, drift. */
export async function buildFleetInfo(fleet: Fleet, store: Store, affected?: ReadonlySet<string>): Promise<FleetStackInfo[]> {
  const { manifest } = fleet.loaded;
  const locks = new Map((await store.listLocks()).map((lock) => [lock.stack, lock]));
  const now = Date.now();
  const rows: FleetStackInfo[] = [];
  for (const name of fleet.graph.names) {
    const stack = manifest.stacks[name];
    if (!stack) continue;
    const [last] = await store.listStackHistory(name, 1);
    const outputs = await store.getOutputs(name).catch(() => undefined);
    const drift = await store.latestDrift(name);
    const lock = locks.get(name);
    rows.push({
      name,
      ...(stack.repo === undefined ? {} : { repo: stack.repo }),
      path: stack.path,
      labels: stack.labels,
      runner: stack.runner,
      dependsOn: [...fleet.graph.dependenciesOf(name)],
      dependents: [...fleet.graph.dependentsOf(name)],
      ...(last && isFinalStatus(last.state) ? { lastStatus: last.state } : {}),
      ...(last?.finishedAt ?? last?.startedAt ? { lastRunAt: last.finishedAt ?? last.startedAt } : {}),
      outputCount: outputs ? Object.keys(outputs.outputs).length : 0,
      ...(lock && Date.parse(lock.expiresAt) > now ? { lockedBy: `${lock.host}:${lock.pid} (run ${lock.runId})` } : {}),
      ...(drift ? { drift: drift.status } : {}),
      ...(affected ? { affected: affected.has(name) } : {}),
    });
  }
  return rows;
}

function isFinalStatus(state: string): state is NonNullable<FleetStackInfo['lastStatus']> {
  return ['succeeded', 'failed', 'skipped', 'unchanged', 'changed', 'denied'].includes(state);
}
