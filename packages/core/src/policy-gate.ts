/**
 * The contract between a run and its policies. `runner` calls a `PolicyGate`
 * at the points where a run must ask (before anything starts, after a stack's
 * plan, over all planned stacks); `cli` builds one from the `policy` package.
 * Declared here because `runner` may import only `core`.
 */

export type PolicyEffectName = 'deny' | 'warn' | 'require_approval';

/** What a run does after its decisions: go on, stop the stack, or wait for a human. */
export type PolicyGateVerdict = 'allow' | 'deny' | 'awaiting_approval';

/** One rule that fired, as a run reports it (NDJSON `policy.evaluated`, the store, `show`). */
export interface PolicyDecisionView {
  policy: string;
  rule: string;
  effect: PolicyEffectName;
  message: string;
  /**
   * require_approval only: who satisfied it (sorted logins), when the run's
   * approvals did; absent while it waits. Kept in the store too (`show RUN`).
   */
  approvedBy?: string[];
}

export interface PolicyCheck {
  verdict: PolicyGateVerdict;
  decisions: PolicyDecisionView[];
}

/** What a stack's plan produced, as policies need it. */
export type StackPlanEvidence =
  | { runner: 'command'; /** The plan command's exit code: 0 no changes, 2 changes. */ exitCode: number }
  | { runner: 'terraform' | 'tofu'; /** Parsed `terraform show -json` of the plan. */ show: unknown };

export interface PolicyGate {
  /** `kind: access` over the run's stacks before any starts; a deny stops the whole run. */
  checkAccess(request: { runId: string; stacks: readonly string[] } & PolicyCheckSignals): Promise<PolicyCheck>;
  /**
   * `kind: plan` for one stack after its plan. `secrets` are values the
   * input must never carry (the stack's secrets, sensitive upstream outputs).
   * `forQuestion`: the plan is judged to be shown at a question asked after
   * the run, not to be applied now: an approval given at an earlier prompt
   * (for another plan of the stack) is neither recorded nor counted.
   */
  checkStack(
    request: { runId: string; stack: string; plan: StackPlanEvidence; secrets: readonly unknown[]; forQuestion?: boolean } & PolicyCheckSignals,
  ): Promise<PolicyCheck>;
  /**
   * Whether `check`, made by `checkStack` in the plan run of this same apply
   * (one process, no pause) for the plan now applied, with the same secrets,
   * stands for this run too: true when the plan policies read nothing that
   * differs between the two runs (run id, `plannedBy`, approvals; see the
   * policy package's `readsOnlyStableRunFacts`) and the check asked for no
   * approval. The runner then reports that check again instead of
   * evaluating anew. @default never
   */
  standsForThisRun?(check: PolicyCheck): boolean;
  /**
   * `kind: run` once over every planned stack; again, in the apply of saved
   * plans, whenever a stack's plan is replaced by a new one (`forQuestion`
   * as for `checkStack`: a run approval given at an earlier prompt is not counted).
   */
  checkRun(
    request: { runId: string; stacks: readonly RunPolicyStack[]; secrets: readonly unknown[]; forQuestion?: boolean } & PolicyCheckSignals,
  ): Promise<PolicyCheck>;
  /** Whether a `kind: run` policy could judge anything (false: `checkRun` always allows, and need not be asked). @default true */
  judgesRuns?: boolean;
}

/**
 * A stack's plan for `checkRun`: as planned, or as run policies saw it
 * before (`kept`: counted and sanitized, kept with the run, see
 * `RunPolicyPlans`), taken as it is.
 */
export type RunPolicyStack = { stack: string; plan: StackPlanEvidence } | { stack: string; kept: Record<string, unknown> };

/**
 * How a check stops with its run: `signal` (the first Ctrl-C, or the stack's
 * timeout) interrupts an exec policy's command, `forceSignal` (the second)
 * kills it. A check stopped this way throws: it has no verdict.
 */
export interface PolicyCheckSignals {
  signal?: AbortSignal;
  forceSignal?: AbortSignal;
}

/** A decision stored with its run (`stack` null: an access or run policy). */
export interface PolicyDecisionRecord extends PolicyDecisionView {
  runId: string;
  stack: string | null;
  at: string;
}

/** `stackfleet approve RUN [--stack GLOB]`: an approval of a run (stack null) or of one stack in it. */
export interface ApprovalRecord {
  runId: string;
  stack: string | null;
  by: string;
  at: string;
  comment?: string;
  /** Teams known from elsewhere than the manifest (a PR reviewer's GitHub teams); never stored. */
  teams?: string[];
}
