import type { ChangeSummary } from '@stackfleet/core';

/**
 * The gate policies will plug into (a later issue): asked for every drifted
 * stack that opted in and is within `drift.maxDeletes`, right before its
 * plan is applied. `false` reports the stack as needing a human.
 */
export type ApproveRemediation = (stack: string, changes: ChangeSummary | undefined) => boolean | Promise<boolean>;

/** Until policies gate remediation, the manifest's opt-in is the whole decision. */
export const approveEveryRemediation: ApproveRemediation = () => true;
