import type { PolicyChanges, PolicyTerraformPlan } from './types.js';

/**
 * Counts like terraform's "Plan: 1 to add, 2 to change, 1 to destroy": a
 * replacement counts in add and destroy (and in replace); `total` counts each
 * changing resource once. Reads (data sources) are not changes.
 */
export function countTerraformChanges(plan: PolicyTerraformPlan): PolicyChanges {
  const changes: PolicyChanges = { add: 0, change: 0, destroy: 0, replace: 0, total: 0, known: true };
  for (const resource of plan.resource_changes) {
    const actions = ((resource['change'] as { actions?: unknown } | undefined)?.actions ?? []) as unknown[];
    const creates = actions.includes('create');
    const deletes = actions.includes('delete');
    const updates = actions.includes('update');
    if (creates) changes.add += 1;
    if (deletes) changes.destroy += 1;
    if (creates && deletes) changes.replace += 1;
    if (updates) changes.change += 1;
    if (creates || deletes || updates) changes.total += 1;
  }
  return changes;
}

/** A command stack's plan says only "changes" (exit 2) or not. */
export function countCommandChanges(exitCode: number): PolicyChanges {
  return { add: 0, change: 0, destroy: 0, replace: 0, total: exitCode === 2 ? 1 : 0, known: false };
}
