/** Small text formatters shared by the views; all pure. */
import type { StackStatus } from '@stackfleet/core';

/** Durations are formatted the same everywhere stackfleet prints them. */
export { formatDuration } from '@stackfleet/core';

/** `just now`, `5m ago`, `3h ago`, `2d ago`. */
export function formatAgo(iso: string, nowMs: number): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return '';
  const seconds = Math.max(0, Math.floor((nowMs - then) / 1000));
  if (seconds < 60) return 'just now';
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h ago`;
  return `${Math.floor(seconds / 86_400)}d ago`;
}

export type StatusLike = StackStatus | 'interrupted' | 'running' | 'queued' | 'pending';

const statusIcons: Record<StatusLike, string> = {
  succeeded: '✔',
  changed: '✔',
  unchanged: '=',
  failed: '✘',
  denied: '⊘',
  skipped: '↷',
  interrupted: '!',
  running: '●',
  queued: '…',
  pending: '·',
};

export function formatStatusIcon(status: StatusLike | undefined): string {
  return status === undefined ? ' ' : statusIcons[status];
}

/** ink colour names per status; the caller drops them when colours are off. */
export function pickStatusColor(status: StatusLike | undefined): string | undefined {
  switch (status) {
    case 'succeeded':
    case 'changed':
      return 'green';
    case 'failed':
    case 'denied':
      return 'red';
    case 'skipped':
    case 'interrupted':
      return 'yellow';
    case 'running':
      return 'cyan';
    default:
      return undefined;
  }
}

/** `+2 ~1 -0` (replacements count as one create and one delete, like terraform's summary). */
export function formatChanges(changes: { create: number; update: number; delete: number; replace: number }): string {
  return `+${changes.create + changes.replace} ~${changes.update} -${changes.delete + changes.replace}`;
}

/** A fixed-width progress bar, `[#####.....]` style but with block characters. */
export function formatBar(done: number, total: number, width: number): string {
  const inner = Math.max(1, width);
  const filled = total === 0 ? 0 : Math.min(inner, Math.round((done / total) * inner));
  return '█'.repeat(filled) + '░'.repeat(inner - filled);
}

/** Pads or truncates (with `…`) to exactly `width` characters. */
export function fitText(text: string, width: number): string {
  if (width <= 0) return '';
  if (text.length > width) return width === 1 ? '…' : `${text.slice(0, width - 1)}…`;
  return text.padEnd(width);
}
