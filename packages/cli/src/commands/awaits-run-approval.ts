import type { PolicyDecisionRecord, RunRecord } from '@stackfleet/core';

/**
 * Whether `kind: run` policies left the plan run of an `apply` or `destroy`
 * (its plans saved, none applied yet) waiting for an approval of the whole
 * run: it ended `awaiting_approval`, or `denied` because a plan policy also
 * denied a stack, with a run policy's `require_approval` that no approval
 * satisfied when it was judged and no run policy's deny. Such a run goes on
 * by applying its plans once approved (`resume RUN`), where the run policies
 * judge them again; this only says where to go.
 */
export function awaitsRunApproval(run: RunRecord, decisions: readonly PolicyDecisionRecord[]): boolean {
  const previewOf = run.selection['previewOf'];
  if (run.command !== 'plan' || run.selection['save'] !== true || (previewOf !== 'apply' && previewOf !== 'destroy')) return false;
  if (run.status === 'awaiting_approval') return true;
  if (run.status !== 'denied') return false;
  const ofRun = decisions.filter((decision) => decision.stack === null);
  return !ofRun.some((decision) => decision.effect === 'deny') && ofRun.some((decision) => decision.effect === 'require_approval' && (decision.approvedBy?.length ?? 0) === 0);
}
