import type { ChangeSummary } from '../model.js';

/**
 * What a sweep found for one stack. `skipped` stacks were not checked (a
 * failed dependency, an interrupt, or a command stack without
 * `commands.plan`); they are never reported as clean.
 */
export type DriftStatus = 'drifted' | 'clean' | 'error' | 'skipped';

/**
 * What `--remediate` did with a drifted stack:
 * - `applied`: the sweep's own plan was applied;
 * - `failed`: the apply was attempted and failed;
 * - `needs-human`: opted in, but refused (too many deletes, or not approved);
 * - `not-opted-in`: the stack does not set `drift.remediate: true`.
 */
export type RemediationStatus = 'applied' | 'failed' | 'needs-human' | 'not-opted-in';

export interface RemediationResult {
  status: RemediationStatus;
  reason?: string;
}

/** One stack's line in a drift report. */
export interface StackDriftResult {
  stack: string;
  /** Repository name from the manifest; undefined = the manifest's own repository. */
  repo?: string;
  status: DriftStatus;
  changes?: ChangeSummary;
  /** Why the check failed or was skipped. */
  reason?: string;
  remediation?: RemediationResult;
  durationMs?: number;
}

/** A whole sweep, as the reports render it. */
export interface DriftSweep {
  runId: string;
  /** ISO time the sweep started. */
  checkedAt: string;
  /** Stacks in run order. */
  stacks: StackDriftResult[];
}
