import type { PolicyCheckSignals, RunPolicyStack } from '@stackfleet/core';
import { describePolicyStop, reportPolicyDecisions, type PolicyStop } from './check-policies.js';
import type { EngineRun } from './engine-run.js';
import type { JudgedPlan } from '../saved-plans/fingerprint-stack.js';
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
  // The plan run's own plans, when it ran in this process; else those kept with the run.
  const judged = new Map([...(fromPlan.judgedPlans ?? [])].filter(([, plan]) => plan.runId === fromPlan.runId));
  const kept = judged.size > 0 ? new Map<string, Record<string, unknown>>() : await readKeptPlans(run, fromPlan.runId);
  const stacks = collectRunPlans(run, fromPlan, judged, kept);
  if (stacks === undefined) {
    // Fail closed: a plan run's plans are held in the process that made them, and kept with the run in the store (by
    // this version); judged without the others, the new plan could pass what the run as a whole would not.
    const message = `run policies cannot judge the new plan of ${stack}: the plans they judged in run ${fromPlan.runId} are not all kept (it was planned by an older stackfleet, or its run policies were added since); plan again (\`stackfleet apply\` plans every stack first)`;
    onLine(`stackfleet: ${message}`);
    return { status: 'denied', reason: `denied by run policy: ${message}`, messages: [message] };
  }
  const secrets = stacks.flatMap((entry) => ('plan' in entry ? (run.planEvidence.get(entry.stack)?.secrets ?? judged.get(entry.stack)?.secrets ?? []) : []));
  const check = await gate.checkRun({ runId: run.options.runId, stacks, secrets, ...signals });
  await reportPolicyDecisions(run, undefined, check);
  const stop = describePolicyStop(check);
  if (stop === undefined) return undefined;
  const reason = stop.status === 'denied' ? stop.reason.replace(/^denied by policy/, 'denied by run policy') : stop.reason.replace(/^awaiting approval/, 'awaiting approval of the run');
  return { ...stop, reason };
}

/**
 * The plans the run policies last judged in the run (`RunPolicyPlans`), as the
 * store keeps them: read only when the plan run's are not held in this
 * process (a separate `apply --from-plan`, a `resume`).
 */
async function readKeptPlans(run: EngineRun, plannedRunId: string): Promise<ReadonlyMap<string, Record<string, unknown>>> {
  const kept = await run.options.store.getRunPolicyPlans(plannedRunId);
  return new Map((kept?.plans ?? []).map(({ stack, plan }) => [stack, plan]));
}

/**
 * The run's plans, in run order: each stack's plan checked in this run (a
 * saved plan, or a new one), else the plan run's (judged in this process,
 * `judged`, else kept with the run: `kept`), stacks applied earlier included (the run
 * changes them too). Undefined when a saved plan with changes has none of
 * these: the set would be short, and judging a part says nothing.
 */
function collectRunPlans(
  run: EngineRun,
  fromPlan: SavedPlanApply,
  judged: ReadonlyMap<string, JudgedPlan>,
  kept: ReadonlyMap<string, Record<string, unknown>>,
): RunPolicyStack[] | undefined {
  const names = new Set([...judged.keys(), ...kept.keys(), ...run.planEvidence.keys()]);
  for (const record of fromPlan.plans.values()) if (record.hasChanges) names.add(record.stack);
  const order = new Map([...run.planned.keys()].map((name, index) => [name, index]));
  const keptOrder = new Map([...kept.keys()].map((name, index) => [name, index]));
  // This run's order first; stacks it does not run (applied in an earlier attempt) as the plan run had them.
  const rank = (name: string) => order.get(name) ?? order.size + (keptOrder.get(name) ?? keptOrder.size);
  const stacks: RunPolicyStack[] = [];
  for (const name of [...names].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))) {
    const plan = run.planEvidence.get(name)?.plan ?? judged.get(name)?.plan;
    const keptPlan = kept.get(name);
    if (plan !== undefined) stacks.push({ stack: name, plan });
    else if (keptPlan !== undefined) stacks.push({ stack: name, kept: keptPlan });
    else return undefined;
  }
  return stacks;
}
