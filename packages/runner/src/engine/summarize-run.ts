import type { RunSummary } from '@stackfleet/core';
import type { StackOutcome } from './types.js';

/** Counts per final status, for `run.finished` and the CI summary table. */
export function summarizeRun(outcomes: Map<string, StackOutcome>, durationMs: number): RunSummary {
  const summary: RunSummary = {
    total: outcomes.size,
    succeeded: 0,
    failed: 0,
    skipped: 0,
    unchanged: 0,
    changed: 0,
    denied: 0,
    awaitingApproval: 0,
    interrupted: 0,
    durationMs,
  };
  for (const { status } of outcomes.values()) summary[status === 'awaiting_approval' ? 'awaitingApproval' : status] += 1;
  return summary;
}
