/**
 * A finished stack as one terminal line (icon, name, status, duration, then
 * changes, policy marks and why). Printed once above the live area through
 * ink's `write`, not `<Static>`: ink lays out Static text cell by cell
 * (~0.3 ms a line), a plain write costs nothing.
 */
import { createPainter, formatChangeCounts, formatDuration, formatStatusIcon, pickStatusColor } from '@stackfleet/core';
import { fitText, paintFitted, type StyledText } from './format.js';
import { formatPolicyMarks, joinStyled } from './format-policy-marks.js';
import type { FinishedStackView } from './run-view-state.js';

export function formatFinishedLine(stack: FinishedStackView, options: { nameWidth: number; columns: number; color: boolean }): string {
  const dim = (text: string): StyledText => ({ text, style: 'dim' });
  const marks = formatPolicyMarks(stack.policies, stack.status);
  const ending = [dim(stack.exitCode !== undefined && stack.status === 'failed' ? `exit ${stack.exitCode}` : ''), dim(stack.reason ?? '')];
  // What is cut on a narrow terminal is the end: why a stack stopped (failed, denied, awaiting approval) goes
  // before its policy marks; any other reason (skipped, kept, a saved plan with no changes) after them.
  const stopped = stack.status === 'failed' || stack.status === 'denied' || stack.status === 'awaiting_approval' || stack.status === 'interrupted';
  const why = joinStyled(
    [dim(formatChangeCounts(stack.changes)), ...(stopped ? [...ending, ...marks] : [...marks, ...ending])].filter((piece) => piece.text !== ''),
    'dim',
  );
  const paint = createPainter(options.color);
  const color = pickStatusColor(stack.status);
  // 11: the longest status, `interrupted`, fits; `awaiting_approval` reads `awaiting` (as in the help's legend), its reason says for what.
  const label = stack.status === 'awaiting_approval' ? 'awaiting' : stack.status;
  const head = `${formatStatusIcon(stack.status)} ${fitText(stack.name, options.nameWidth)} ${fitText(label, 11)} ${fitText(stack.status === 'skipped' || stack.kept ? '' : formatDuration(stack.durationMs), 7)}`;
  // Never wider than the terminal: a wrapped line would break ink's erase-and-redraw of the live area.
  const room = Math.max(0, options.columns - 1 - head.length - 1);
  const tail = why.length > 0 && room > 0 ? paintFitted([dim(' '), ...why], room + 1, paint) : '';
  return `${paint(color, head.slice(0, 2))}${head.slice(2, 3 + options.nameWidth)}${paint(color, head.slice(3 + options.nameWidth))}${tail}`.trimEnd();
}
