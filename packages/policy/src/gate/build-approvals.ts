import picomatch from 'picomatch';
import { StackfleetError, type ApprovalRecord } from '@stackfleet/core';

export interface ApprovalRequest {
  runId: string;
  /** The run's stacks, in run order. */
  runStacks: readonly string[];
  /** `--stack GLOB`; absent: the whole run. */
  stackGlob?: string;
  by: string;
  at: string;
  comment?: string;
}

/**
 * `stackfleet approve RUN [--stack GLOB]` as records: one for the whole run,
 * or one per stack of the run the glob matches (a glob that matches none of
 * them is an error: approving nothing by a typo must not look like success).
 */
export function buildApprovalRecords(request: ApprovalRequest): ApprovalRecord[] {
  const base = { runId: request.runId, by: request.by, at: request.at, ...(request.comment === undefined ? {} : { comment: request.comment }) };
  if (request.stackGlob === undefined) return [{ ...base, stack: null }];
  const isMatch = picomatch(request.stackGlob);
  const stacks = request.runStacks.filter((stack) => isMatch(stack));
  if (stacks.length === 0) {
    throw new StackfleetError('E_NO_MATCH', `--stack ${request.stackGlob} matches no stack of run ${request.runId}`, {
      hint: `the run's stacks: ${request.runStacks.join(', ') || '(none)'}`,
    });
  }
  return stacks.map((stack) => ({ ...base, stack }));
}
