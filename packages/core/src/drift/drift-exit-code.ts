import type { StackDriftResult } from './types.js';

/**
 * SPEC §4: 1 when any check (or remediation) failed, else 2 when drift is
 * left (drifted and not remediated), else 0. A failure is never "no drift":
 * errors win over drift. Skipped stacks alone do not fail a sweep, except
 * when they were skipped because of an error, which is then in the results.
 */
export function selectDriftExitCode(results: readonly StackDriftResult[]): 0 | 1 | 2 {
  if (results.some((result) => result.status === 'error' || result.remediation?.status === 'failed')) return 1;
  if (results.some((result) => result.status === 'drifted' && result.remediation?.status !== 'applied')) return 2;
  return 0;
}

/** Counts per status, for report headers and the terminal summary. */
export function countDriftResults(results: readonly StackDriftResult[]): Record<'drifted' | 'clean' | 'error' | 'skipped' | 'remediated' | 'needsHuman', number> {
  const counts = { drifted: 0, clean: 0, error: 0, skipped: 0, remediated: 0, needsHuman: 0 };
  for (const result of results) {
    counts[result.status] += 1;
    if (result.remediation?.status === 'applied') counts.remediated += 1;
    if (result.remediation?.status === 'needs-human') counts.needsHuman += 1;
  }
  return counts;
}
