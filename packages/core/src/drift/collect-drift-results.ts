import type { RunEvent, StackStatus } from '../events.js';
import type { ChangeSummary, Manifest } from '../model.js';
import type { RemediationResult, StackDriftResult } from './types.js';

/** What the sweep learnt about remediation while it ran (filled by the runner's `decide` callback). */
export interface RemediationLog {
  /** Decisions made for drifted stacks, including refusals. */
  decisions: Map<string, RemediationResult>;
}

/** A listener for one drift run's events, and what it learnt. */
export interface DriftCollector {
  onEvent: (event: RunEvent) => void;
  /** Results of the stacks that finished, by name. */
  results: ReadonlyMap<string, StackDriftResult>;
  /** The run's id and start time, from `run.started` ('' until then). */
  runInfo(): { runId: string; checkedAt: string };
}

/**
 * Listens to run events and turns them into drift results: `unchanged` is
 * clean, `changed` is drifted, `succeeded` is drifted and remediated,
 * `failed` is an error (or a failed remediation once the apply was chosen),
 * anything else (skipped, denied) was not checked. Built from events only,
 * so what the reports say is what the NDJSON stream said.
 */
export function createDriftCollector(manifest: Manifest, remediation: RemediationLog): DriftCollector {
  const planned = new Map<string, { hasChanges: boolean; changes?: ChangeSummary }>();
  const results = new Map<string, StackDriftResult>();
  let runId = '';
  let checkedAt = '';

  const onEvent = (event: RunEvent): void => {
    if (event.type === 'run.started') {
      runId = event.runId;
      checkedAt = event.at;
    } else if (event.type === 'stack.planned') {
      planned.set(event.stack, { hasChanges: event.hasChanges, ...(event.changes ? { changes: event.changes } : {}) });
    } else if (event.type === 'stack.finished') {
      const plan = planned.get(event.stack);
      const repo = manifest.stacks[event.stack]?.repo;
      const base: StackDriftResult = {
        stack: event.stack,
        ...(repo === undefined ? {} : { repo }),
        status: 'skipped',
        durationMs: event.durationMs,
        ...(plan?.changes ?? event.changes ? { changes: plan?.changes ?? event.changes } : {}),
      };
      results.set(event.stack, classify(base, event.status, event.reason, plan?.hasChanges, remediation.decisions.get(event.stack)));
    }
  };
  return { onEvent, results, runInfo: () => ({ runId, checkedAt }) };
}

function classify(
  base: StackDriftResult,
  status: StackStatus,
  reason: string | undefined,
  hasChanges: boolean | undefined,
  decision: RemediationResult | undefined,
): StackDriftResult {
  const withDecision = decision ? { remediation: decision } : {};
  switch (status) {
    case 'unchanged':
      return { ...base, status: 'clean' };
    case 'changed':
      return { ...base, status: 'drifted', ...withDecision };
    case 'succeeded':
      return { ...base, status: 'drifted', remediation: { status: 'applied' } };
    case 'failed':
      if (hasChanges && decision?.status === 'applied') {
        return { ...base, status: 'drifted', remediation: { status: 'failed', reason: reason ?? 'apply failed' } };
      }
      return { ...base, status: 'error', reason: reason ?? 'plan failed' };
    default:
      return { ...base, status: 'skipped', reason: reason ?? `not checked (${status})` };
  }
}
