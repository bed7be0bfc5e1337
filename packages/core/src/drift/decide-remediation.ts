import type { ChangeSummary } from '../model.js';
import type { EffectiveDriftSettings } from './drift-settings.js';
import type { RemediationResult } from './types.js';

/**
 * Whether `drift --remediate` may apply a drifted stack's plan: only when the
 * stack opts in, and never when the plan deletes (delete + replace) more
 * resources than `drift.maxDeletes`; those need a human. Policies come
 * later through the CLI's `approveRemediation` hook, after this check.
 */
export function decideRemediation(
  settings: Pick<EffectiveDriftSettings, 'remediate' | 'maxDeletes'>,
  changes: ChangeSummary | undefined,
): { apply: true } | { apply: false; result: RemediationResult } {
  if (!settings.remediate) return { apply: false, result: { status: 'not-opted-in' } };
  const deletes = countDeletes(changes);
  if (deletes > settings.maxDeletes) {
    return {
      apply: false,
      result: {
        status: 'needs-human',
        reason: `plan deletes ${deletes} resource${deletes === 1 ? '' : 's'}, more than drift.maxDeletes (${settings.maxDeletes})`,
      },
    };
  }
  return { apply: true };
}

/** Resources a plan destroys: deletes plus replacements (a replace destroys first or after). */
export function countDeletes(changes: ChangeSummary | undefined): number {
  return changes ? changes.delete + changes.replace : 0;
}
