import { indexRun, measureChains } from '../scheduler/index-run.js';
import type { RunPlan } from './types.js';

/**
 * Each stack's longest remaining chain in the plan (itself included), the
 * priority a distributed run queues it with: the same "critical path first"
 * rule the local scheduler follows, counted in stacks.
 */
export function measurePlanChains(plan: RunPlan): Map<string, number> {
  const needs = new Map(plan.stacks.map((stack) => [stack.name, stack.needs]));
  const run = indexRun(plan.stacks.map((stack) => stack.name), (name) => needs.get(name) ?? []);
  const chains = measureChains(run, () => 1);
  return new Map(run.names.map((name, index) => [name, chains[index]!]));
}
