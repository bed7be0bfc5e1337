import { isDeepStrictEqual } from 'node:util';
import type { PolicyCheck, PolicyCheckSignals, StackPlanEvidence, StackStatus } from '@stackfleet/core';
import type { JudgedPlan } from '../saved-plans/fingerprint-stack.js';
import type { PlanResult } from '../stack-runner/types.js';
import { maskPolicyDecision } from '../mask/mask-event.js';
import type { EngineRun } from './engine-run.js';

/** What policies make of a stack: go on, or end it with this status and why. */
export type PolicyStop = { status: Extract<StackStatus, 'denied' | 'awaiting_approval'>; reason: string; messages: string[] };

/**
 * What policies see of a plan: terraform/tofu the parsed `show -json`
 * (an empty plan when there were no changes), command stacks the exit code
 * their plan stands for (2 when it has changes, also when there is no
 * `commands.plan` and the stack always applies).
 */
export function toPlanEvidence(runner: string, plan: PlanResult | undefined): StackPlanEvidence {
  if (runner === 'terraform' || runner === 'tofu') {
    return { runner, show: plan?.show ?? { resource_changes: [], output_changes: {} } };
  }
  return { runner: 'command', exitCode: plan === undefined || plan.hasChanges ? 2 : 0 };
}

/** A saved plan's check across the two runs of one apply (see `JudgedPlan`). */
export interface CheckAcrossRuns {
  /** The plan run's check of the plan now applied: reported again when the gate says it stands and plan and secrets are the same. */
  earlier?: JudgedPlan;
  /** The plan run: keeps its check for the apply run of this process. */
  keep?: (judged: Pick<JudgedPlan, 'plan' | 'secrets' | 'check'>) => void;
}

/**
 * Asks the run's `kind: plan` policies about one stack's plan (when the run
 * has a gate), reports every decision (a `policy.evaluated` event and a row in
 * the store, both masked) and keeps the plan for the run's `kind: run`
 * policies. Undefined: the stack may go on.
 */
export async function checkStackPolicies(
  run: EngineRun,
  stack: string,
  evidence: StackPlanEvidence,
  secrets: readonly unknown[],
  across: CheckAcrossRuns = {},
  /**
   * The stack's own (Ctrl-C, its timeout): they stop an exec policy's command too, and the check then throws.
   * `forQuestion`: judged to be shown at a question after the run (see `PolicyGate.checkStack`).
   */
  signals: PolicyCheckSignals & { forQuestion?: boolean } = {},
): Promise<PolicyStop | undefined> {
  const gate = run.options.policyGate;
  if (gate === undefined) return undefined;
  run.planEvidence.set(stack, { plan: evidence, secrets });
  const { earlier } = across;
  const stands = earlier !== undefined && gate.standsForThisRun?.(earlier.check) === true && isSameEvidence(earlier.plan, evidence) && isSameList(earlier.secrets, secrets);
  const check = stands ? earlier.check : await gate.checkStack({ runId: run.options.runId, stack, plan: evidence, secrets, ...signals });
  across.keep?.({ plan: evidence, secrets, check });
  await reportPolicyDecisions(run, stack, check);
  return describePolicyStop(check);
}

/**
 * Whether the apply run's plan is the one the plan run judged. Cheap checks
 * first: terraform's plan is the very object the plan run kept (see
 * `JudgedPlan`), and a deep comparison of every pair was ~20 µs a stack.
 */
function isSameEvidence(judged: StackPlanEvidence, now: StackPlanEvidence): boolean {
  if (judged.runner === 'command') return now.runner === 'command' && judged.exitCode === now.exitCode;
  return judged.runner === now.runner && (judged.show === now.show || isDeepStrictEqual(judged.show, now.show));
}

function isSameList(judged: readonly unknown[], now: readonly unknown[]): boolean {
  return judged.length === now.length && judged.every((value, index) => value === now[index] || isDeepStrictEqual(value, now[index]));
}

/** A deny or a pending approval as a stack's end; undefined when the check allows. */
export function describePolicyStop(check: PolicyCheck): PolicyStop | undefined {
  if (check.verdict === 'allow') return undefined;
  const effect = check.verdict === 'deny' ? 'deny' : 'require_approval';
  const messages = check.decisions.filter((decision) => decision.effect === effect).map((decision) => decision.message);
  const prefix = check.verdict === 'deny' ? 'denied by policy' : 'awaiting approval';
  return { status: check.verdict === 'deny' ? 'denied' : 'awaiting_approval', reason: `${prefix}: ${messages.join('; ')}`, messages };
}

/** Every decision as a `policy.evaluated` event and a stored row (masked by `emit`, and here for the store). */
export async function reportPolicyDecisions(run: EngineRun, stack: string | undefined, check: PolicyCheck): Promise<void> {
  if (check.decisions.length === 0) return;
  const at = run.now().toISOString();
  const runId = run.options.runId;
  for (const decision of check.decisions) {
    run.emit({ type: 'policy.evaluated', runId, ...(stack === undefined ? {} : { stack }), ...decision, at });
  }
  await run.options.store.recordPolicyDecisions(
    check.decisions.map((decision) => ({ runId, stack: stack ?? null, ...maskPolicyDecision(decision, run.masker), at })),
  );
}
