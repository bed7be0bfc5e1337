import type { RunCommand } from '../events.js';
import { MinHeap, compareNames } from '../graph/min-heap.js';
import type { StackGraph } from '../graph/types.js';
import { assertCapacity } from '../scheduler/index-run.js';
import type { Selection } from '../selection/types.js';
import type { PlannedStack, RunPlan } from './types.js';

export interface BuildRunPlanOptions {
  command: RunCommand;
  /** `-j`, else `settings.concurrency`; resolved by the caller. */
  concurrency: number;
  /** `settings.limits`: label -> most running stacks carrying it. */
  limits: Record<string, number>;
  /** `--fail-fast`: start nothing new after the first failure. @default false at the CLI (`--keep-going`) */
  failFast: boolean;
}

/**
 * The run as a value: `plan --json` prints it, the runner executes it.
 * `needs` lists the nearest stacks of the run a stack waits for, along every
 * edge kind and through stacks that are not in the run (a -> b -> c with
 * only a and c selected: c needs a).
 *
 * For `destroy` everything is reversed: stacks come in reverse dependency
 * order (ties still by name) and `needs` lists the stacks' dependents in the
 * run, since those must be destroyed first.
 */
export function buildRunPlan(graph: StackGraph, selection: Selection, options: BuildRunPlanOptions): RunPlan {
  assertCapacity('concurrency', options.concurrency);
  for (const [label, limit] of Object.entries(options.limits)) assertCapacity(`limits.${label}`, limit);
  let needs = graph.collectNeeds(selection.stacks);
  let order = selection.stacks;
  if (options.command === 'destroy') {
    needs = reverseNeeds(needs);
    order = orderByNeeds(needs);
  }
  const stacks = order.map(
    (name): PlannedStack => ({
      name,
      needs: needs.get(name) ?? [],
      reason: selection.reasons.get(name) ?? 'selected',
      onlyAsDependent: selection.onlyAsDependent.has(name),
    }),
  );
  return {
    command: options.command,
    stacks,
    concurrency: options.concurrency,
    limits: { ...options.limits },
    failFast: options.failFast,
  };
}

function reverseNeeds(needs: ReadonlyMap<string, readonly string[]>): Map<string, string[]> {
  const reversed = new Map<string, string[]>([...needs.keys()].map((name) => [name, []]));
  for (const [name, upstream] of needs) for (const need of upstream) reversed.get(need)!.push(name);
  for (const list of reversed.values()) list.sort(compareNames);
  return reversed;
}

/** Kahn with a min-heap on names: deterministic, ties by name. */
function orderByNeeds(needs: ReadonlyMap<string, readonly string[]>): string[] {
  const waiting = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  const ready = new MinHeap<string>(compareNames);
  for (const [name, upstream] of needs) {
    waiting.set(name, upstream.length);
    if (upstream.length === 0) ready.push(name);
    for (const need of upstream) {
      const list = dependents.get(need);
      if (list) list.push(name);
      else dependents.set(need, [name]);
    }
  }
  const order: string[] = [];
  for (let name = ready.pop(); name !== undefined; name = ready.pop()) {
    order.push(name);
    for (const next of dependents.get(name) ?? []) {
      const left = waiting.get(next)! - 1;
      waiting.set(next, left);
      if (left === 0) ready.push(next);
    }
  }
  return order;
}
