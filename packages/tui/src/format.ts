/**
 * Text formatters only the views need; all pure. Durations, change counts,
 * status icons and colours are shared with the CLI and reports and live in
 * `@stackfleet/core` (`core/src/text`).
 */
import type { Painter, PaintStyle } from '@stackfleet/core';

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

/** A fixed-width progress bar, `[#####.....]` style but with block characters. */
export function formatBar(done: number, total: number, width: number): string {
  const inner = Math.max(1, width);
  const filled = total === 0 ? 0 : Math.min(inner, Math.round((done / total) * inner));
  return '█'.repeat(filled) + '░'.repeat(inner - filled);
}

/**
 * The width of the live view's name column: the run's longest stack name,
 * from 10 up to 32 characters and leaving 30 columns to the rest of a line,
 * so that short names leave the room to the reasons and policy marks.
 */
export function pickNameWidth(longestName: number, columns: number): number {
  return Math.max(10, Math.min(32, columns - 30, longestName));
}

/** Pads or truncates (with `…`) to exactly `width` characters. */
export function fitText(text: string, width: number): string {
  if (width <= 0) return '';
  if (text.length > width) return width === 1 ? '…' : `${text.slice(0, width - 1)}…`;
  return text.padEnd(width);
}

/** A piece of a line with its style (none: as the line around it). */
export interface StyledText {
  text: string;
  style?: PaintStyle;
}

/**
 * Cuts styled pieces to `width` characters, ending with `…` when anything was
 * cut, and paints them (neighbours of one style as one run, so a line of one
 * style is painted once). Widths are string lengths: the views draw only
 * one-column characters of their own (policy messages are escaped, one line).
 */
export function paintFitted(pieces: readonly StyledText[], width: number, paint: Painter): string {
  const total = pieces.reduce((sum, piece) => sum + piece.text.length, 0);
  const fitted: StyledText[] = [];
  let room = total > width ? Math.max(0, width - 1) : width;
  for (const piece of pieces) {
    if (room <= 0) break;
    const text = piece.text.slice(0, room);
    if (text === '') continue;
    room -= text.length;
    const last = fitted[fitted.length - 1];
    if (last && last.style === piece.style) last.text += text;
    else fitted.push({ text, ...(piece.style === undefined ? {} : { style: piece.style }) });
  }
  if (total > width && width > 0) {
    const last = fitted[fitted.length - 1];
    if (last) last.text += '…';
    else fitted.push({ text: '…' });
  }
  return fitted.map((piece) => paint(piece.style, piece.text)).join('');
}
