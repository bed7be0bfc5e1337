import picomatch from 'picomatch';
import { StackfleetError, type ApprovalRecord } from '@stackfleet/core';

export interface ApprovalRequest {
  runId: string;
  /** The run's stacks, in run order. */
  runStacks: readonly string[];
  /** `--stack GLOB` (repeatable); absent or empty: the whole run. */
  stackGlobs?: readonly string[];
  by: string;
  at: string;
  comment?: string;
}

/**
 * `stackfleet approve RUN [--stack GLOB]...` as records: one for the whole
 * run, or one per stack of the run any glob matches, once each, in run order
 * (a glob that matches none of them is an error: approving nothing by a typo
 * must not look like success).
 */
export function buildApprovalRecords(request: ApprovalRequest): ApprovalRecord[] {
  const base = { runId: request.runId, by: request.by, at: request.at, ...(request.comment === undefined ? {} : { comment: request.comment }) };
  const globs = request.stackGlobs ?? [];
  if (globs.length === 0) return [{ ...base, stack: null }];
  const matchers = globs.map((glob) => ({ glob, isMatch: picomatch(glob) }));
  const unmatched = matchers.find(({ isMatch }) => !request.runStacks.some((stack) => isMatch(stack)));
  if (unmatched) {
    throw new StackfleetError('E_NO_MATCH', `--stack ${unmatched.glob} matches no stack of run ${request.runId}`, {
      hint: `the run's stacks: ${request.runStacks.join(', ') || '(none)'}`,
    });
  }
  return request.runStacks.filter((stack) => matchers.some(({ isMatch }) => isMatch(stack))).map((stack) => ({ ...base, stack }));
}
