import type { RunPlan } from '../run-plan/types.js';

/**
 * The run plan without `removed` stacks. A remaining stack that waited for a
 * removed one now waits for what that one waited for, so order through the
 * removed stacks is kept (a -> b -> c without b: c still needs a).
 */
export function excludeFromRunPlan(plan: RunPlan, removed: ReadonlySet<string>): RunPlan {
  if (removed.size === 0) return plan;
  const needsOf = new Map(plan.stacks.map((stack) => [stack.name, stack.needs]));
  const expanded = new Map<string, string[]>();
  const expand = (name: string): string[] => {
    const known = expanded.get(name);
    if (known) return known;
    const result = new Set<string>();
    for (const need of needsOf.get(name) ?? []) {
      if (removed.has(need)) for (const inner of expand(need)) result.add(inner);
      else result.add(need);
    }
    const sorted = [...result].sort();
    expanded.set(name, sorted);
    return sorted;
  };
  return {
    ...plan,
    stacks: plan.stacks.filter((stack) => !removed.has(stack.name)).map((stack) => ({ ...stack, needs: expand(stack.name) })),
  };
}
