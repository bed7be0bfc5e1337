import type { PolicyDecision } from '../types.js';

/** An approval as recorded in the store and shown in `input.approvals`. */
export interface PolicyApproval {
  by: string;
  /** ISO 8601. */
  at: string;
  comment?: string;
  /** Teams of the approver (the manifest's `teams:`, and on GitHub the reviewer's teams). */
  teams: string[];
}

export interface ApprovalContext {
  approvals: readonly PolicyApproval[];
  /** The run's actor: by default nobody approves their own run. */
  actor: string;
  /** The manifest's `teams:`, for `approvers: ["team:NAME"]`. */
  teams?: Readonly<Record<string, readonly string[]>>;
}

/** What a run does with a stack after its decisions. */
export type PolicyVerdict = 'allow' | 'deny' | 'awaiting_approval';

export interface VerdictSummary {
  verdict: PolicyVerdict;
  denials: PolicyDecision[];
  /** require_approval decisions not yet satisfied by the approvals given. */
  pendingApprovals: PolicyDecision[];
  warnings: PolicyDecision[];
}

/**
 * deny wins over everything; then any require_approval not satisfied by the
 * approvals; warnings never stop anything.
 */
export function decideVerdict(decisions: readonly PolicyDecision[], approvals?: ApprovalContext): VerdictSummary {
  const denials = decisions.filter((decision) => decision.effect === 'deny');
  const warnings = decisions.filter((decision) => decision.effect === 'warn');
  const pendingApprovals = decisions.filter(
    (decision) => decision.effect === 'require_approval' && (approvals === undefined || !isApprovalSatisfied(decision, approvals)),
  );
  const verdict: PolicyVerdict = denials.length > 0 ? 'deny' : pendingApprovals.length > 0 ? 'awaiting_approval' : 'allow';
  return { verdict, denials, pendingApprovals, warnings };
}

/**
 * A require_approval decision is satisfied by `approvals` (default 1) distinct
 * approvers among `approvers` (logins or `team:NAME`), or, without
 * `approvers`, anyone but the run's actor.
 */
export function isApprovalSatisfied(decision: PolicyDecision, context: ApprovalContext): boolean {
  return listSatisfyingApprovers(decision, context) !== undefined;
}

/** Who satisfies a require_approval decision (sorted, distinct), or undefined while too few approved. */
export function listSatisfyingApprovers(decision: PolicyDecision, context: ApprovalContext): string[] | undefined {
  const allowed = decision.approvers ?? [];
  const isAllowed = (approval: PolicyApproval): boolean => {
    if (allowed.length === 0) return approval.by !== context.actor;
    return allowed.some((entry) => {
      if (!entry.startsWith('team:')) return entry === approval.by;
      const team = entry.slice('team:'.length);
      return approval.teams.includes(team) || (context.teams?.[team] ?? []).includes(approval.by);
    });
  };
  const approvers = new Set(context.approvals.filter(isAllowed).map((approval) => approval.by));
  return approvers.size >= (decision.approvals ?? 1) ? [...approvers].sort() : undefined;
}
