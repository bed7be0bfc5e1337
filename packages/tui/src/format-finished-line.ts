/**
 * A finished stack as one terminal line (icon, name, status, duration, changes or
 * why). Printed once above the live area through ink's `write`, not `<Static>`:
 * ink lays out Static text cell by cell (~0.3 ms a line), a plain write costs nothing.
 */
import { fitText, formatChanges, formatDuration, formatStatusIcon, pickStatusColor } from './format.js';
import type { FinishedStackView } from './run-view-state.js';

const sgr: Record<string, [number, number]> = { red: [31, 39], green: [32, 39], yellow: [33, 39], cyan: [36, 39], dim: [2, 22] };

/** Wraps `text` in an SGR colour when `enabled` (NO_COLOR off). */
export function paintAnsi(text: string, color: string | undefined, enabled: boolean): string {
  const codes = color === undefined ? undefined : sgr[color];
  return enabled && codes ? `\u001B[${codes[0]}m${text}\u001B[${codes[1]}m` : text;
}

export function formatFinishedLine(stack: FinishedStackView, options: { nameWidth: number; columns: number; color: boolean }): string {
  const why = [
    stack.changes ? formatChanges(stack.changes) : '',
    stack.exitCode !== undefined && stack.status === 'failed' ? `exit ${stack.exitCode}` : '',
    stack.reason ?? '',
  ]
    .filter(Boolean)
    .join(' · ');
  const color = pickStatusColor(stack.status);
  const head = `${formatStatusIcon(stack.status)} ${fitText(stack.name, options.nameWidth)} ${fitText(stack.status, 9)} ${fitText(stack.status === 'skipped' ? '' : formatDuration(stack.durationMs), 7)}`;
  // Never wider than the terminal: a wrapped line would break ink's erase-and-redraw of the live area.
  const room = Math.max(0, options.columns - 1 - head.length - 1);
  const tail = why && room > 0 ? ` ${why.length > room ? `${why.slice(0, Math.max(0, room - 1))}…` : why}` : '';
  return `${paintAnsi(head.slice(0, 2), color, options.color)}${head.slice(2, 3 + options.nameWidth)}${paintAnsi(head.slice(3 + options.nameWidth), color, options.color)}${paintAnsi(tail, 'dim', options.color)}`.trimEnd();
}
