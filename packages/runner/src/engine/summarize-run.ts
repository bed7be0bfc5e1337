import { emptyRunSummary, type RunSummary } from '@stackfleet/core';
import type { StackOutcome } from './types.js';

/** Counts per final status, for `run.finished` and the CI summary table. */
export function summarizeRun(outcomes: Map<string, StackOutcome>, durationMs: number): RunSummary {
  const summary = emptyRunSummary(outcomes.size, durationMs);
  for (const { status } of outcomes.values()) summary[status === 'awaiting_approval' ? 'awaitingApproval' : status] += 1;
  return summary;
}
