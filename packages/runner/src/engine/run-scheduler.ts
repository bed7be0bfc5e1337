import { createScheduler, type Manifest, type RunPlan, type Scheduler } from '@stackfleet/core';

export type RunScheduler = Pick<Scheduler, 'next' | 'complete' | 'fail' | 'skip' | 'stopStarting' | 'markDone'>;

/**
 * The core scheduler over a plan's stacks. For `destroy` the plan's `needs`
 * are already reversed (a stack waits for its dependents), so they are used as is.
 */
export function createRunScheduler(plan: RunPlan, manifest: Manifest): RunScheduler {
  const needs = new Map(plan.stacks.map((stack) => [stack.name, stack.needs]));
  return createScheduler({
    stacks: plan.stacks.map((stack) => stack.name),
    needs: (name) => needs.get(name) ?? [],
    labels: (name) => manifest.stacks[name]?.labels ?? [],
    concurrency: plan.concurrency,
    limits: plan.limits,
  });
}
