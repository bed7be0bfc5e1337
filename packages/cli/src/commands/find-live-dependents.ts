import { StackfleetError, type RunPlan, type Store } from '@stackfleet/core';
import type { Fleet } from '../manifest/read-manifest.js';

/**
 * Stacks outside a destroy's selection that depend on it and are live (they
 * have stored outputs: they were applied and not destroyed since), each with
 * the selected stack it depends on. Destroying under them would leave them
 * pointing at nothing.
 */
export async function findLiveDependents(fleet: Fleet, plan: RunPlan, store: Store): Promise<Map<string, string>> {
  const selected = new Set(plan.stacks.map((stack) => stack.name));
  const live = new Map<string, string>();
  for (const [dependent, seed] of fleet.graph.collectDependents(selected)) {
    if (selected.has(dependent)) continue;
    if ((await store.getOutputs(dependent)) !== undefined) live.set(dependent, seed);
  }
  return new Map([...live].sort(([a], [b]) => a.localeCompare(b)));
}

/** `hint`: what to do instead; by default the `destroy` flags that go on (`--with-dependents`, `--force`). */
export function liveDependentsError(live: Map<string, string>, hint = 'add --with-dependents to destroy them first, or --force to destroy anyway'): StackfleetError {
  const lines = [...live].map(([dependent, seed]) => `  - ${dependent} (depends on ${seed})`);
  return new StackfleetError('E_LIVE_DEPENDENTS', `refusing to destroy: ${live.size} live stack(s) outside the selection depend on it:\n${lines.join('\n')}`, { hint });
}
