import type { PolicyCheck, PolicyGate, RunPlan } from '@stackfleet/core';

/**
 * `kind: access` policies of a `--remote` run, asked before it is queued.
 * Returns undefined when they allow; else a gate that answers access checks
 * with this very verdict (a second evaluation must not turn a deny into an
 * allow), for the local engine to record the denied run without starting a
 * stack.
 */
export async function checkRemoteAccess(gate: PolicyGate | undefined, plan: RunPlan): Promise<PolicyGate | undefined> {
  if (gate === undefined) return undefined;
  // Not recorded under this id: the local run that records a denial asks again through the returned gate.
  const check: PolicyCheck = await gate.checkAccess({ runId: 'remote-access-check', stacks: plan.stacks.map((stack) => stack.name) });
  if (check.verdict === 'allow') return undefined;
  return { ...gate, checkAccess: async () => check };
}
