import type { RunnerKind, StackPlanEvidence } from '@stackfleet/core';
import type { PolicyApproval } from '../evaluate/decide-verdict.js';

export interface PolicyActor {
  login: string;
  name: string;
  /** Where the login came from: `STACKFLEET_ACTOR`, `GITHUB_ACTOR`, `GITLAB_USER_LOGIN`, `git`, `user@host`. */
  source: string;
  /** Teams from the manifest's `teams:`; always a list. */
  teams: string[];
}

export interface PolicyRunInfo {
  id: string;
  command: 'plan' | 'apply' | 'destroy' | 'drift';
  /** proposed on a plan, tracked on an apply, drift in a sweep (or --run-type). */
  type: 'proposed' | 'tracked' | 'drift' | 'local';
  actor: PolicyActor;
  branch: string | null;
  commit: string | null;
  pr?: number;
  /** Who planned, when an apply continues a saved plan. */
  plannedBy?: PolicyActor;
}

export interface PolicyStackInfo {
  name: string;
  labels: string[];
  repo: string | null;
  path: string;
  runner: RunnerKind;
}

export interface PolicyChanges {
  add: number;
  change: number;
  destroy: number;
  replace: number;
  /** Resources changing (a replacement counts once here, and in add and destroy). */
  total: number;
  /** False for command stacks: their plan only says "changes" (exit 2) or not. */
  known: boolean;
}

/** The sanitized part of `terraform show -json` that policies see. */
export interface PolicyTerraformPlan {
  resource_changes: Record<string, unknown>[];
  output_changes: Record<string, Record<string, unknown>>;
}

/** What a stack's plan produced, as the runner has it (core's `StackPlanEvidence`). */
export type StackPlanResult = StackPlanEvidence;

export interface StackPolicyInput {
  run: PolicyRunInfo;
  stack: PolicyStackInfo;
  changes: PolicyChanges;
  /** terraform/tofu stacks only: test it with `has(input.terraform)`. */
  terraform?: PolicyTerraformPlan;
  approvals: PolicyApproval[];
}

export interface PlannedStackInput {
  stack: PolicyStackInfo;
  changes: PolicyChanges;
  terraform?: PolicyTerraformPlan;
}

/** `kind: run`: once over every planned stack. */
export interface RunPolicyInput {
  run: PolicyRunInfo;
  stacks: PlannedStackInput[];
  approvals: PolicyApproval[];
}

/** `kind: access`: before anything runs; the stacks without plans. */
export interface AccessPolicyInput {
  run: PolicyRunInfo;
  stacks: { stack: PolicyStackInfo }[];
}
