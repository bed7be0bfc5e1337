import type { ChangeSummary } from '../model.js';

/**
 * `+1 ~2 -1 ±1`, zeros left out, `''` when nothing changes: the one compact form
 * of a plan's counts, in CI logs, the UI, `history` and drift reports (short
 * enough for a 2,000-row markdown table under GitHub's comment limit). Replace
 * is counted on its own, as the plan reports it; callers that need words for
 * "nothing" say `no changes` themselves.
 */
export function formatChangeCounts(changes: ChangeSummary | undefined): string {
  if (!changes) return '';
  const parts = [
    changes.create > 0 ? `+${changes.create}` : '',
    changes.update > 0 ? `~${changes.update}` : '',
    changes.delete > 0 ? `-${changes.delete}` : '',
    changes.replace > 0 ? `±${changes.replace}` : '',
  ];
  return parts.filter((part) => part !== '').join(' ');
}

/** `1 to create, 2 to update`; `no resource changes` when all counts are zero; the long form, for report prose. */
export function formatChangeSummary(changes: ChangeSummary | undefined): string {
  if (!changes) return '';
  const parts = (
    [
      ['create', changes.create],
      ['update', changes.update],
      ['delete', changes.delete],
      ['replace', changes.replace],
    ] as const
  )
    .filter(([, count]) => count > 0)
    .map(([action, count]) => `${count} to ${action}`);
  return parts.length === 0 ? 'no resource changes' : parts.join(', ');
}
