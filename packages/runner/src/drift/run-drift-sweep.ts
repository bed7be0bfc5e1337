import { buildDriftRecords, buildDriftSweep, createDriftCollector, type DriftChecks, type DriftSweep, type RemediationLog, type RunPlan } from '@stackfleet/core';
import { executeRunPlan, type ExecutedRun, type ExecuteRunOptions } from '../run/execute-run-plan.js';
import { approveEveryRemediation, buildRemediation, type ApproveRemediation } from './build-remediation.js';

export interface DriftSweepOptions extends Omit<ExecuteRunOptions, 'remediation'> {
  /** `--remediate`: drifted stacks that opt in apply the plan their check just made. @default false */
  remediate?: boolean;
  /** @default approveEveryRemediation */
  approveRemediation?: ApproveRemediation;
  /**
   * What runs the sweep's plan: this process's engine, or (`drift --remote`)
   * a queue-and-follow of workers, whose events feed the same drift collector.
   * @default executeRunPlan
   */
  execute?: (plan: RunPlan, options: ExecuteRunOptions) => Promise<ExecutedRun>;
}

export interface DriftSweepResult {
  sweep: DriftSweep;
  /** An interrupt kept stacks from being checked: that is not "no drift". */
  interrupted: boolean;
  /** Access policies denied the sweep: nothing was checked, which is not "no drift" either. */
  accessDenied: boolean;
}

/**
 * One sweep over `checks` (`prepareDriftSweep`): plans the checkable stacks
 * through `executeRunPlan` as command `drift`, lets opted-in stacks apply
 * their own plan, turns the run's events into drift results, and records
 * every checked stack in the store. With nothing to check nothing runs and
 * nothing is recorded.
 */
export async function runDriftSweep(checks: DriftChecks, options: DriftSweepOptions): Promise<DriftSweepResult> {
  const { remediate, approveRemediation, execute = executeRunPlan, ...run } = options;
  const now = options.now ?? (() => new Date());
  const log: RemediationLog = { decisions: new Map() };
  const collector = createDriftCollector(options.manifest, log);
  const startedAt = now().toISOString();
  let runId = '';
  let interrupted = false;
  let accessDenied = false;
  if (checks.plan.stacks.length > 0) {
    const result = await execute(checks.plan, {
      ...run,
      listeners: [...run.listeners, collector.onEvent],
      ...(remediate ? { remediation: buildRemediation(checks.settings, log, approveRemediation ?? approveEveryRemediation) } : {}),
    });
    runId = result.runId;
    interrupted = result.status === 'interrupted';
    accessDenied = result.accessDenied === true;
  }
  const sweep = buildDriftSweep(checks, options.manifest, collector.results, { runId, checkedAt: collector.runInfo().checkedAt || startedAt });
  if (runId !== '') for (const record of buildDriftRecords(sweep)) await options.store.recordDrift(record);
  return { sweep, interrupted, accessDenied };
}
