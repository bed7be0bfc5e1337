import type { StackSpec } from '@stackfleet/core';
import type { PolicyApproval } from '../evaluate/decide-verdict.js';
import { countCommandChanges, countTerraformChanges } from './count-changes.js';
import { collectSecretStrings, sanitizeInputValue, sanitizeTerraformPlan } from './sanitize-terraform-plan.js';
import type {
  AccessPolicyInput,
  PlannedStackInput,
  PolicyRunInfo,
  PolicyStackInfo,
  RunPolicyInput,
  StackPlanResult,
  StackPolicyInput,
} from './types.js';

/** Values policies must never see: context secrets and sensitive upstream outputs (any JSON value). */
export interface SecretValues {
  secrets: readonly unknown[];
}

export interface StackInputOptions extends SecretValues {
  run: PolicyRunInfo;
  stack: PolicyStackInfo;
  plan: StackPlanResult;
  approvals?: readonly PolicyApproval[];
}

/** `input.stack` from the manifest's stack. */
export function describeStack(spec: Pick<StackSpec, 'name' | 'labels' | 'repo' | 'path' | 'runner'>): PolicyStackInfo {
  return { name: spec.name, labels: [...spec.labels], repo: spec.repo ?? null, path: spec.path, runner: spec.runner };
}

/** The input of `kind: plan` policies for one stack after its plan. */
export function buildStackPolicyInput(options: StackInputOptions): StackPolicyInput {
  const secrets = collectSecretStrings(options.secrets);
  const planned = buildPlannedStack(options.stack, options.plan, secrets);
  return { run: options.run, ...planned, approvals: sanitizeApprovals(options.approvals ?? [], secrets) };
}

/**
 * `input.approvals`, sanitized like the plans: a comment is free text a human
 * typed (`approve --comment`, a review's body), and one that holds a secret
 * reaches the policies (an exec policy's stdin) only as `<sensitive:…>`.
 * `secrets` as `collectSecretStrings` returns them.
 */
export function sanitizeApprovals(approvals: readonly PolicyApproval[], secrets: readonly string[]): PolicyApproval[] {
  return approvals.map((approval) => sanitizeInputValue(approval, secrets));
}

export interface RunInputOptions extends SecretValues {
  run: PolicyRunInfo;
  stacks: readonly { stack: PolicyStackInfo; plan: StackPlanResult }[];
  approvals?: readonly PolicyApproval[];
}

/** The input of `kind: run` policies: every planned stack at once. */
export function buildRunPolicyInput(options: RunInputOptions): RunPolicyInput {
  const secrets = collectSecretStrings(options.secrets);
  return {
    run: options.run,
    stacks: options.stacks.map(({ stack, plan }) => buildPlannedStack(stack, plan, secrets)),
    approvals: sanitizeApprovals(options.approvals ?? [], secrets),
  };
}

/** `input.stacks` of `kind: run` policies: each plan counted and sanitized (every secret given hidden in every plan). */
export function buildPlannedStacks(stacks: RunInputOptions['stacks'], secretValues: readonly unknown[]): PlannedStackInput[] {
  const secrets = collectSecretStrings(secretValues);
  return stacks.map(({ stack, plan }) => buildPlannedStack(stack, plan, secrets));
}

/** The input of `kind: access` policies: who runs what, before anything runs. */
export function buildAccessPolicyInput(run: PolicyRunInfo, stacks: readonly PolicyStackInfo[]): AccessPolicyInput {
  return { run, stacks: stacks.map((stack) => ({ stack })) };
}

function buildPlannedStack(stack: PolicyStackInfo, plan: StackPlanResult, secrets: readonly string[]): PlannedStackInput {
  if (plan.runner === 'command') return { stack, changes: countCommandChanges(plan.exitCode) };
  const terraform = sanitizeTerraformPlan(plan.show, secrets);
  return { stack, changes: countTerraformChanges(terraform), terraform };
}
