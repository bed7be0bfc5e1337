/**
 * A finished stack as one terminal line (icon, name, status, duration, changes or
 * why). Printed once above the live area through ink's `write`, not `<Static>`:
 * ink lays out Static text cell by cell (~0.3 ms a line), a plain write costs nothing.
 */
import { createPainter, formatChangeCounts, formatDuration, formatStatusIcon, pickStatusColor } from '@stackfleet/core';
import { fitText } from './format.js';
import type { FinishedStackView } from './run-view-state.js';

export function formatFinishedLine(stack: FinishedStackView, options: { nameWidth: number; columns: number; color: boolean }): string {
  const why = [
    formatChangeCounts(stack.changes),
    stack.exitCode !== undefined && stack.status === 'failed' ? `exit ${stack.exitCode}` : '',
    stack.reason ?? '',
  ]
    .filter(Boolean)
    .join(' · ');
  const paint = createPainter(options.color);
  const color = pickStatusColor(stack.status);
  // 11: the longest status, `interrupted`, fits.
  const head = `${formatStatusIcon(stack.status)} ${fitText(stack.name, options.nameWidth)} ${fitText(stack.status, 11)} ${fitText(stack.status === 'skipped' || stack.kept ? '' : formatDuration(stack.durationMs), 7)}`;
  // Never wider than the terminal: a wrapped line would break ink's erase-and-redraw of the live area.
  const room = Math.max(0, options.columns - 1 - head.length - 1);
  const tail = why && room > 0 ? ` ${why.length > room ? `${why.slice(0, Math.max(0, room - 1))}…` : why}` : '';
  return `${paint(color, head.slice(0, 2))}${head.slice(2, 3 + options.nameWidth)}${paint(color, head.slice(3 + options.nameWidth))}${paint('dim', tail)}`.trimEnd();
}
