import { escapeTerminalText } from './escape-terminal-text.js';
import type { Painter, PaintStyle } from './paint.js';

/** A table cell: its text, and optionally a style painted over the padded text. */
export type TableCell = string | { text: string; style?: PaintStyle };

export interface TableOptions {
  /** Column titles; left out for a bare aligned listing (`key = value`). */
  header?: readonly string[];
  rows: readonly (readonly TableCell[])[];
  /** Paints styled cells; without it styles are ignored. */
  paint?: Painter;
  /** @default '  ' */
  gap?: string;
}

/**
 * The one terminal table: left-aligned columns as wide as their widest cell,
 * joined by `gap`, trailing spaces trimmed, every line ending in `\n`. Widths
 * are measured on the unpainted text, so colour never shifts a column. Cells
 * often hold text from outside (a policy's message, a failure reason): their
 * control characters are escaped (`escapeTerminalText`), so a newline cannot
 * split a row.
 *
 * Written by hand: `cli-table3` draws box borders (CI logs and `grep` want bare
 * columns) and `text-table` is unmaintained; this is a dozen lines.
 */
export function formatTable(options: TableOptions): string {
  const { header, paint } = options;
  const gap = options.gap ?? '  ';
  const rows = header === undefined ? options.rows : [header, ...options.rows];
  const columnCount = Math.max(0, ...rows.map((row) => row.length));
  const widths = Array.from({ length: columnCount }, (_, column) => Math.max(0, ...rows.map((row) => textOf(row[column]).length)));
  const formatRow = (row: readonly TableCell[]) =>
    row
      .map((cell, column) => {
        const padded = column === row.length - 1 ? textOf(cell) : textOf(cell).padEnd(widths[column] ?? 0);
        const style = typeof cell === 'string' ? undefined : cell.style;
        return paint === undefined || style === undefined ? padded : paint(style, padded);
      })
      .join(gap)
      .trimEnd();
  return rows.map((row) => `${formatRow(row)}\n`).join('');
}

function textOf(cell: TableCell | undefined): string {
  if (cell === undefined) return '';
  return escapeTerminalText(typeof cell === 'string' ? cell : cell.text);
}
