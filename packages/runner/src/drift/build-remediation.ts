import { decideRemediation, type ChangeSummary, type DriftChecks, type RemediationLog } from '@stackfleet/core';
import type { DriftRemediation } from '../engine/types.js';

/**
 * A caller's own say over remediation: asked for every drifted stack that
 * opted in and is within `drift.maxDeletes`, before the plan policies judge
 * its plan (stack-phases.ts) and it is applied. `false` reports the stack as
 * needing a human.
 */
export type ApproveRemediation = (stack: string, changes: ChangeSummary | undefined) => boolean | Promise<boolean>;

/** No say of the caller's own: the manifest's opt-in and `maxDeletes` decide, then the plan policies. */
export const approveEveryRemediation: ApproveRemediation = () => true;

/**
 * `drift --remediate` for the engine: opted-in stacks are asked after their
 * plan; core's `decideRemediation` (opt-in, `maxDeletes`) rules first, then
 * `approve`. Every decision, refusals included, lands in `log` for the report.
 */
export function buildRemediation(settings: DriftChecks['settings'], log: RemediationLog, approve: ApproveRemediation): DriftRemediation {
  const optedIn = new Set([...settings].filter(([, value]) => value.remediate).map(([name]) => name));
  for (const [name, value] of settings) if (!value.remediate) log.decisions.set(name, { status: 'not-opted-in' });
  return {
    stacks: optedIn,
    async decide(stack, plan) {
      const decision = decideRemediation(settings.get(stack) ?? { remediate: false, maxDeletes: 0 }, plan.changes);
      if (!decision.apply) {
        log.decisions.set(stack, decision.result);
        return false;
      }
      if (!(await approve(stack, plan.changes))) {
        log.decisions.set(stack, { status: 'needs-human', reason: 'remediation not approved' });
        return false;
      }
      log.decisions.set(stack, { status: 'applied' });
      return true;
    },
    refuse(stack, reason) {
      log.decisions.set(stack, { status: 'needs-human', reason });
    },
  };
}
