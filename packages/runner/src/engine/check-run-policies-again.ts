import type { PolicyCheckSignals, RunPolicyStack } from '@stackfleet/core';
import { describePolicyStop, reportPolicyDecisions, type PolicyStop } from './check-policies.js';
import type { EngineRun } from './engine-run.js';
import type { SavedPlanApply } from './types.js';

/**
 * A stack's saved plan replaced by a new one in the apply of saved plans (it
 * was planned again after its upstreams changed their outputs): the `kind:
 * run` policies judge the run's plans again with the new plan in place of
 * the old one. The question is what the run changes in total, so stacks
 * already applied keep their plans in the set. Call after the stack's plan
 * policies (which put its new plan in `run.planEvidence`). Undefined: it may
 * go on; else it ends `denied` or `awaiting_approval` with the run policies'
 * messages (also, failing closed, when the run's other plans are not held
 * here). Nothing is asked of the store when no run policy could judge.
 */
export async function checkRunPoliciesAgain(
  run: EngineRun,
  stack: string,
  signals: PolicyCheckSignals & { forQuestion?: boolean },
  onLine: (line: string) => void,
): Promise<PolicyStop | undefined> {
  const gate = run.options.policyGate;
  const fromPlan = run.options.fromPlan;
  if (gate === undefined || fromPlan === undefined || gate.judgesRuns === false || !run.planEvidence.has(stack)) return undefined;
  const stacks = collectRunPlans(run, fromPlan);
  if (stacks === undefined) {
    // Fail closed: a plan run's plans are held in the process that made them, or kept with its saved plans when run
    // policies waited; judged without the others, the new plan could pass what the run as a whole would not.
    const message = `run policies cannot judge the new plan of ${stack}: the plans they judged in run ${fromPlan.runId} are not all held here; plan again (\`stackfleet apply\` plans every stack first)`;
    onLine(`stackfleet: ${message}`);
    return { status: 'denied', reason: `denied by run policy: ${message}`, messages: [message] };
  }
  const secrets = stacks.flatMap((entry) => ('plan' in entry ? (run.planEvidence.get(entry.stack)?.secrets ?? fromPlan.judgedPlans?.get(entry.stack)?.secrets ?? []) : []));
  const check = await gate.checkRun({ runId: run.options.runId, stacks, secrets, ...signals });
  await reportPolicyDecisions(run, undefined, check);
  const stop = describePolicyStop(check);
  if (stop === undefined) return undefined;
  const reason = stop.status === 'denied' ? stop.reason.replace(/^denied by policy/, 'denied by run policy') : stop.reason.replace(/^awaiting approval/, 'awaiting approval of the run');
  return { ...stop, reason };
}

/**
 * The run's plans, in run order: each stack's plan checked in this run (a
 * saved plan, or a new one), else the plan run's (judged in this process,
 * else kept with its saved plan). Undefined when a saved plan with changes
 * has neither, or some may be gone (a resumed apply): the set would be
 * short, and judging a part says nothing.
 */
function collectRunPlans(run: EngineRun, fromPlan: SavedPlanApply): RunPolicyStack[] | undefined {
  const judged = new Map([...(fromPlan.judgedPlans ?? [])].filter(([, plan]) => plan.runId === fromPlan.runId));
  // A resumed apply read the saved plans left: those its earlier attempt applied are gone, and with them their kept plans.
  if (judged.size === 0 && (run.options.alreadyDone?.size ?? 0) > 0) return undefined;
  const names = new Set([...judged.keys(), ...run.planEvidence.keys()]);
  for (const record of fromPlan.plans.values()) if (record.hasChanges) names.add(record.stack);
  const order = new Map([...run.planned.keys()].map((name, index) => [name, index]));
  const rank = (name: string) => order.get(name) ?? order.size;
  const stacks: RunPolicyStack[] = [];
  for (const name of [...names].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))) {
    const plan = run.planEvidence.get(name)?.plan ?? judged.get(name)?.plan;
    const kept = fromPlan.plans.get(name)?.runPolicyPlan;
    if (plan !== undefined) stacks.push({ stack: name, plan });
    else if (kept !== undefined) stacks.push({ stack: name, kept });
    else return undefined;
  }
  return stacks;
}
