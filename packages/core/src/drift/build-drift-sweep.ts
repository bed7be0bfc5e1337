import type { Manifest } from '../model.js';
import type { DriftRecord } from '../store.js';
import { NO_PLAN_COMMAND, type DriftChecks } from './plan-drift-checks.js';
import type { DriftSweep, StackDriftResult } from './types.js';

/**
 * The sweep's report: every reported stack in run order, uncheckable ones as
 * skipped, checked ones as the run's events said (a stack the run never
 * finished is left out).
 */
export function buildDriftSweep(
  checks: Pick<DriftChecks, 'reported' | 'uncheckable'>,
  manifest: Manifest,
  results: ReadonlyMap<string, StackDriftResult>,
  run: { runId: string; checkedAt: string },
): DriftSweep {
  const uncheckable = new Set(checks.uncheckable);
  const stacks = checks.reported.flatMap((stack): StackDriftResult[] => {
    if (uncheckable.has(stack)) {
      const repo = manifest.stacks[stack]?.repo;
      return [{ stack, ...(repo === undefined ? {} : { repo }), status: 'skipped', reason: NO_PLAN_COMMAND }];
    }
    const result = results.get(stack);
    return result ? [result] : [];
  });
  return { runId: run.runId, checkedAt: run.checkedAt, stacks };
}

/** One record per checked stack; skipped stacks were not checked, so they leave no record. */
export function buildDriftRecords(sweep: DriftSweep): DriftRecord[] {
  return sweep.stacks.flatMap((result): DriftRecord[] => {
    if (result.status === 'skipped') return [];
    const message = result.reason ?? result.remediation?.reason;
    return [
      {
        stack: result.stack,
        runId: sweep.runId,
        checkedAt: sweep.checkedAt,
        status: result.status,
        ...(result.changes ? { changes: result.changes } : {}),
        ...(result.status === 'drifted' && result.remediation ? { remediated: result.remediation.status === 'applied' } : {}),
        ...(message ? { message } : {}),
      },
    ];
  });
}
