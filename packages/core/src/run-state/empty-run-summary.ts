import type { RunSummary } from '../events.js';

/** A summary with every count at zero: the start of counting, and what a run that never began reports. */
export function emptyRunSummary(total = 0, durationMs = 0): RunSummary {
  return {
    total,
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
}
