import type { ApprovalRecord, PolicyCheck, StackPlanEvidence, StackSpec } from '@stackfleet/core';
import { evaluatePolicies, evaluatePolicy, type EvaluateOptions } from '../evaluate/evaluate-policy.js';
import { decideVerdict, describeApprovalShortfall, listSatisfyingApprovers, type ApprovalContext, type PolicyApproval } from '../evaluate/decide-verdict.js';
import { buildAccessPolicyInput, buildPlannedStacks, buildStackPolicyInput, describeStack, sanitizeApprovals } from '../input/build-policy-input.js';
import { collectSecretStrings } from '../input/sanitize-terraform-plan.js';
import { includesLogin } from '../evaluate/same-login.js';
import type { PlannedStackInput, PolicyRunInfo, RunPolicyInput } from '../input/types.js';
import { selectRunPolicies, selectStackPolicies, type LoadedPolicy } from '../select/select-policies.js';
import type { PolicyDecision } from '../types.js';

type StackFacts = Pick<StackSpec, 'name' | 'labels' | 'repo' | 'path' | 'runner'>;

/** Everything a run's policies are evaluated against, besides the plans. */
export interface GateContext {
  policies: readonly LoadedPolicy[];
  run: PolicyRunInfo;
  /** The manifest's `teams:`, for approvers' teams and `approvers: ["team:NAME"]`. */
  teams?: Readonly<Record<string, readonly string[]>>;
  /** Approvals stored for the run (of the run, stack null, or of one stack). */
  approvals: readonly ApprovalRecord[];
  /**
   * Who said yes at this process's terminal prompt (their approval is among
   * `approvals`): counted as the policy package says (`countsApproval`), and
   * a rule it does not satisfy says why in its message.
   */
  approvedAtPrompt?: string;
  evaluate?: EvaluateOptions;
}

/** One gate check with the raw decisions (for `policy eval`-like printing and tests). */
export interface GateResult extends PolicyCheck {
  raw: PolicyDecision[];
}

/** `kind: plan` policies of one stack over its plan: decisions, then deny / awaiting approval / allow. */
export async function evaluateStackGate(context: GateContext, stack: StackFacts, plan: StackPlanEvidence, secrets: readonly unknown[]): Promise<GateResult> {
  const policies = selectStackPolicies(context.policies, 'plan', stack);
  if (policies.length === 0) return toGateResult([], context, []);
  const approvals = toPolicyApprovals(context, stack.name);
  const input = buildStackPolicyInput({ run: context.run, stack: describeStack(stack), plan, secrets, approvals });
  return toGateResult(await evaluatePolicies(policies, input, context.evaluate), context, approvals);
}

/** A run gate's result, with the stacks as its policies saw them (sanitized): kept when it waits for an approval. */
export interface RunGateResult extends GateResult {
  planned: PlannedStackInput[];
}

/**
 * `kind: run` policies once over every planned stack (each policy sees the
 * stacks it applies to). A pure function of its inputs besides exec
 * policies' processes: the apply flow that plans everything first calls it too,
 * and again when it plans a stack again (then some plans may come as the
 * policies saw them before, `planned`, taken as they are).
 */
export async function evaluateRunGate(
  context: GateContext,
  stacks: readonly ({ spec: StackFacts; plan: StackPlanEvidence } | { spec: StackFacts; planned: PlannedStackInput })[],
  secrets: readonly unknown[],
): Promise<RunGateResult> {
  // Each plan sanitized once, however many run policies see it.
  const raw = stacks.flatMap((stack) => ('plan' in stack ? [{ stack: describeStack(stack.spec), plan: stack.plan }] : []));
  const built = buildPlannedStacks(raw, secrets);
  let next = 0;
  const planned = stacks.map((stack) => ('plan' in stack ? built[next++]! : stack.planned));
  const result = await evaluatePlannedRunGate(
    context,
    stacks.map((stack, index) => ({ spec: stack.spec, planned: planned[index]! })),
    secrets,
  );
  return { ...result, planned };
}

/**
 * `kind: run` policies over plans already in their input form
 * (`RunGateResult.planned`): how a plan run they left awaiting an approval is
 * judged again, with the approvals given since, when its plans are applied.
 * `secrets`: values the approvals' comments must not carry into the input
 * (the plans are already sanitized).
 */
export async function evaluatePlannedRunGate(
  context: GateContext,
  stacks: readonly { spec: StackFacts; planned: PlannedStackInput }[],
  secrets: readonly unknown[] = [],
): Promise<GateResult> {
  const approvals = toPolicyApprovals(context, null);
  const inputApprovals = sanitizeApprovals(approvals, collectSecretStrings(secrets));
  const decisions: PolicyDecision[] = [];
  for (const selected of selectRunPolicies(context.policies, 'run', stacks.map((stack) => stack.spec))) {
    const input: RunPolicyInput = {
      run: context.run,
      stacks: stacks.filter((stack) => selected.stacks.includes(stack.spec)).map((stack) => stack.planned),
      approvals: [...inputApprovals],
    };
    decisions.push(...(await evaluatePolicy(selected.policy, input, context.evaluate)));
  }
  return toGateResult(decisions, context, approvals);
}

/** `kind: access` policies before anything runs: who runs which stacks (no plans). */
export async function evaluateAccessGate(context: GateContext, stacks: readonly StackFacts[]): Promise<GateResult> {
  const decisions: PolicyDecision[] = [];
  for (const selected of selectRunPolicies(context.policies, 'access', stacks)) {
    const input = buildAccessPolicyInput(context.run, selected.stacks.map(describeStack));
    decisions.push(...(await evaluatePolicy(selected.policy, input, context.evaluate)));
  }
  return toGateResult(decisions, context, toPolicyApprovals(context, null));
}

/** The approvals a stack's policies see: the run's own (stack null) and that stack's. */
export function toPolicyApprovals(context: Pick<GateContext, 'approvals' | 'teams'>, stack: string | null): PolicyApproval[] {
  const teams = context.teams ?? {};
  return context.approvals
    .filter((approval) => approval.stack === null || approval.stack === stack)
    .map((approval) => ({
      by: approval.by,
      at: approval.at,
      ...(approval.comment === undefined ? {} : { comment: approval.comment }),
      // The manifest's teams (logins compared without regard to case), and those the approval brings (a reviewer's GitHub teams).
      teams: [...new Set([...Object.keys(teams).filter((team) => includesLogin(teams[team]!, approval.by)), ...(approval.teams ?? [])])].sort(),
    }));
}

function toGateResult(decisions: PolicyDecision[], context: GateContext, approvals: readonly PolicyApproval[]): GateResult {
  // "Anyone but the run's actor" means whoever started the run: a resumed run's invoker may be its approver.
  const actor = context.run.plannedBy?.login ?? context.run.actor.login;
  const approvalContext: ApprovalContext = {
    approvals,
    actor,
    ...(context.teams ? { teams: context.teams } : {}),
    ...(context.approvedAtPrompt === undefined ? {} : { approvedAtPrompt: context.approvedAtPrompt }),
  };
  const summary = decideVerdict(decisions, approvalContext);
  return {
    verdict: summary.verdict,
    decisions: decisions.map((decision) => {
      const { policy, rule, effect, message } = decision;
      // A satisfied require_approval says by whom, so reports (the PR's check run) can tell it from one that waits.
      const approvedBy = effect === 'require_approval' ? listSatisfyingApprovers(decision, approvalContext) : undefined;
      if (approvedBy !== undefined) return { policy, rule, effect, message, approvedBy };
      // A "yes" at the prompt that was not enough: the person who gave it reads why the stack (or run) still waits.
      const short = effect === 'require_approval' && context.approvedAtPrompt !== undefined;
      return { policy, rule, effect, message: short ? `${message} (${describeApprovalShortfall(decision, approvalContext)})` : message };
    }),
    raw: decisions,
  };
}
