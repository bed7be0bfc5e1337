import type { RunReport } from './report-model.js';

/** What the check run concludes; the PR page shows it beside the commit. */
export type CheckConclusion = 'success' | 'neutral' | 'action_required' | 'failure';

/**
 * `failure` for an error, an interrupted stack (it did not finish) or a denial, `action_required` when an approval is
 * needed (a require_approval decision not yet satisfied), `neutral` when the plan has changes (a reviewer should look),
 * `success` when nothing changes. The worst stack, or a decision about the whole run, decides.
 */
export function decideCheckConclusion(report: RunReport): CheckConclusion {
  if (report.error) return 'failure';
  const statuses = report.stacks.map((stack) => stack.status);
  const decisions = [...(report.runDecisions ?? []), ...report.stacks.flatMap((stack) => stack.decisions ?? [])];
  if (statuses.some((status) => status === 'failed' || status === 'interrupted' || status === 'denied') || decisions.some((d) => d.effect === 'deny')) return 'failure';
  // A require_approval that reviews already satisfied (approvedBy) needs nobody any more.
  if (statuses.includes('awaiting_approval') || decisions.some((d) => d.effect === 'require_approval' && d.approvedBy === undefined)) return 'action_required';
  const changed = report.stacks.some((stack) => {
    if (stack.status === 'changed' || stack.status === 'drifted') return true;
    const c = stack.changes;
    return c !== undefined && c.create + c.update + c.delete + c.replace > 0 && report.command === 'plan';
  });
  return changed ? 'neutral' : 'success';
}
