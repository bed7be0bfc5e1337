import type { Store } from '@stackfleet/core';
import type { PlannedStackInput } from '@stackfleet/policy';

/**
 * Run policies left a plan run awaiting an approval: keeps each stack's plan
 * as they saw it (counted and sanitized: no secret, no sensitive value) in its
 * saved plan record, so that `apply --from-plan` judges them again with the
 * approvals given since (`stackfleet approve RUN`), on this machine or another
 * one sharing the store. A run that saved no plans keeps nothing.
 */
export async function keepRunPolicyPlans(store: Store, runId: string, planned: readonly PlannedStackInput[]): Promise<void> {
  const byStack = new Map(planned.map(({ stack, ...plan }) => [stack.name, plan]));
  for (const record of await store.listSavedPlans(runId)) {
    const runPolicyPlan = byStack.get(record.stack);
    if (runPolicyPlan === undefined) continue;
    // The record is written whole: its plan file goes back with it.
    await store.putSavedPlan({ ...record, runPolicyPlan: { ...runPolicyPlan } }, await store.readSavedPlanFile(runId, record.stack));
  }
}
