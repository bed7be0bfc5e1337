import { formatDecisionReason, type PolicyDecisionRecord } from '@stackfleet/core';

export interface PendingApprovals {
  /** Printed above the question. */
  lines: string[];
  /** The stacks awaiting an approval, which a "yes" approves. */
  stacks: Set<string>;
  /** Whether a run policy awaits an approval of the whole run (the "yes" gives it too). */
  run: boolean;
}

/**
 * The question's account of a run's policy decisions: the stacks they deny
 * (applying asks again and denies again) and the approvals still missing.
 * An approval rule the run's approvals already satisfied (a pull request's
 * review) is not listed: it asks nothing of the one answering, nor are the
 * run policies' decisions once they were judged again and allow
 * (`runAllowed`: the approvals given since satisfied them).
 */
export function describePendingApprovals(listed: readonly PolicyDecisionRecord[], only?: ReadonlySet<string>, runAllowed = false): PendingApprovals {
  // `only` narrows the stacks' decisions; the run's own (run policies judged again over those new plans) stay.
  const all = only === undefined ? listed : listed.filter((decision) => decision.stack === null || only.has(decision.stack));
  const asked = runAllowed ? all.filter((decision) => decision.stack !== null) : all;
  const open = asked.filter((decision) => !(decision.effect === 'require_approval' && (decision.approvedBy?.length ?? 0) > 0));
  // A run policy's approval is about the whole run: the "yes" at the prompt gives it.
  const forRun = open.filter((decision) => decision.stack === null && decision.effect === 'require_approval');
  const decisions = open.filter((decision) => decision.stack !== null);
  const describe = (effect: 'deny' | 'require_approval', title: string): string[] => {
    const fired = decisions.filter((decision) => decision.effect === effect);
    return fired.length === 0 ? [] : [title, ...fired.map((decision) => `  ${decision.stack}: ${formatDecisionReason(decision)}`)];
  };
  const pending = decisions.filter((decision) => decision.effect === 'require_approval');
  return {
    lines: [
      ...describe('deny', 'Policies deny (these stacks will not change):'),
      ...describe('require_approval', 'Policies require approval:'),
      ...(forRun.length === 0 ? [] : ['Run policies require approval of the whole run:', ...forRun.map((decision) => `  ${formatDecisionReason(decision)}`)]),
    ],
    stacks: new Set(pending.map((decision) => decision.stack!)),
    run: forRun.length > 0,
  };
}
