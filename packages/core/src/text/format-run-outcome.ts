import type { RunCommand, RunStatus, RunSummary } from '../events.js';

/**
 * The word a run's summary line starts with. It agrees with the exit code:
 * a drift run that planned changes exits 2, so it reads `drift found`, not
 * `succeeded` (the run itself did succeed, and is recorded so); one that
 * found none reads `no drift` (exit 0). Other runs read their status.
 */
export function formatRunOutcome(command: RunCommand | undefined, status: RunStatus, summary: Pick<RunSummary, 'changed'>): string {
  if (command !== 'drift' || status !== 'succeeded') return status;
  return summary.changed > 0 ? 'drift found' : 'no drift';
}
