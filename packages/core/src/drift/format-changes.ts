import type { ChangeSummary } from '../model.js';

/** `1 to create, 2 to update`; `no resource changes` when all counts are zero. */
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

/** `+1 ~2 -1 ±1`, zeros left out: short enough for a 2,000-row table. */
export function formatChangeCounts(changes: ChangeSummary | undefined): string {
  if (!changes) return '';
  const parts = [
    changes.create > 0 ? `+${changes.create}` : '',
    changes.update > 0 ? `~${changes.update}` : '',
    changes.delete > 0 ? `-${changes.delete}` : '',
    changes.replace > 0 ? `±${changes.replace}` : '',
  ].filter((part) => part !== '');
  return parts.join(' ');
}

/** Terraform's plan symbols per action. */
export const ACTION_SYMBOLS = { create: '+', update: '~', delete: '-', replace: '-/+' } as const;
