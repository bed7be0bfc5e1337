import type { PolicyDecision } from '../types.js';
import { includesLogin, isSameLogin, toLoginKey } from './same-login.js';

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
  /**
   * Who said yes at this process's terminal prompt, having seen the reasons
   * (their approval is among `approvals`). See `countsApproval`.
   */
  approvedAtPrompt?: string;
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
 * `approvers`, anyone but the run's actor. Logins compare without regard to
 * case (`isSameLogin`).
 */
export function isApprovalSatisfied(decision: PolicyDecision, context: ApprovalContext): boolean {
  return listSatisfyingApprovers(decision, context) !== undefined;
}

/** Who satisfies a require_approval decision (sorted, distinct), or undefined while too few approved. */
export function listSatisfyingApprovers(decision: PolicyDecision, context: ApprovalContext): string[] | undefined {
  const approvers = listCountedApprovers(decision, context);
  return approvers.length >= (decision.approvals ?? 1) ? approvers : undefined;
}

/**
 * Whether `approval` counts for a require_approval decision: its approver is
 * one the rule names (a login, or in a `team:NAME`), or, when it names none,
 * anyone but the run's actor. The actor's own "yes" at the terminal prompt
 * (`approvedAtPrompt`) counts for a rule that names none: the human there saw
 * the reasons and said yes. It is one approval like any other: a rule naming
 * approvers counts it only when they allow that login, and `approvals: N`
 * still needs N distinct approvers. Logins compare without regard to case
 * (`Alice` does not approve `alice`'s run).
 */
export function countsApproval(decision: PolicyDecision, approval: PolicyApproval, context: ApprovalContext): boolean {
  const allowed = decision.approvers ?? [];
  if (allowed.length === 0) {
    return !isSameLogin(approval.by, context.actor) || (context.approvedAtPrompt !== undefined && isSameLogin(approval.by, context.approvedAtPrompt));
  }
  return allowed.some((entry) => {
    if (!entry.startsWith('team:')) return isSameLogin(entry, approval.by);
    const team = entry.slice('team:'.length);
    return approval.teams.includes(team) || includesLogin(context.teams?.[team] ?? [], approval.by);
  });
}

/**
 * Why a require_approval decision still waits, for whoever said yes at the
 * prompt and sees the stack wait anyway, e.g. `needs 2 approvals from
 * team:dba, holds 1 (carol); alice's yes at the prompt counts for 0`.
 */
export function describeApprovalShortfall(decision: PolicyDecision, context: ApprovalContext): string {
  const needed = decision.approvals ?? 1;
  const allowed = decision.approvers ?? [];
  const from = allowed.length === 0 ? `anyone but ${context.actor}` : allowed.join(', ');
  const counted = listCountedApprovers(decision, context);
  const holds = `holds ${counted.length}${counted.length === 0 ? '' : ` (${counted.join(', ')})`}`;
  const prompt = context.approvedAtPrompt;
  const yes = prompt === undefined ? '' : `; ${prompt}'s yes at the prompt counts for ${includesLogin(counted, prompt) ? 1 : 0}`;
  return `needs ${needed} approval${needed === 1 ? '' : 's'} from ${from}, ${holds}${yes}`;
}

/**
 * The distinct approvers (sorted) whose approvals count for the decision: one
 * per person whatever the case of their login (`Bob` and `bob` are one), shown
 * as their first approval gave it.
 */
function listCountedApprovers(decision: PolicyDecision, context: ApprovalContext): string[] {
  const approvers = new Map<string, string>();
  for (const approval of context.approvals) {
    const key = toLoginKey(approval.by);
    if (!approvers.has(key) && countsApproval(decision, approval, context)) approvers.set(key, approval.by);
  }
  return [...approvers.values()].sort();
}
