/** Lays out one fleet row as coloured text segments for a given terminal width. Pure. */
import { formatStatusIcon, pickStatusColor } from '@stackfleet/core';
import { fitText, formatAgo } from './format.js';
import type { FleetGrouping, FleetRow } from './fleet-rows.js';

export interface TextSegment {
  text: string;
  color?: string;
  bold?: boolean;
  dim?: boolean;
}

export interface FleetColumns {
  name: number;
  path: number;
  extras: number;
}

/** Fixed columns: cursor 2, selection 2, status 2, runner 5, when 9, outputs 6, separators. */
const fixedWidth = 2 + 2 + 2 + 1 + 5 + 9 + 1 + 6 + 1;

/** Column widths for a terminal `columns` wide (one column is left free: writing the last one wraps some terminals). */
export function computeFleetColumns(columns: number): FleetColumns {
  const flexible = Math.max(20, columns - 1 - fixedWidth);
  const name = Math.max(10, Math.floor(flexible * 0.4));
  const path = Math.max(6, Math.floor(flexible * 0.3));
  return { name, path, extras: Math.max(0, flexible - name - path) };
}

export function formatFleetHeader(columns: FleetColumns): string {
  return `      ${fitText('STACK', columns.name)} ${fitText('PATH', columns.path)} ${fitText('RUNR', 5)}${fitText('LAST RUN', 9)} ${fitText('OUTS', 6)} ${fitText('LOCK/DRIFT/LABELS', columns.extras)}`.trimEnd();
}

const runnerNames: Record<string, string> = { terraform: 'tf', tofu: 'tofu', command: 'cmd' };

export function formatFleetRow(
  row: FleetRow,
  options: { columns: FleetColumns; nowMs: number; grouping: FleetGrouping; isCursor: boolean; isSelected: boolean },
): TextSegment[] {
  const { columns } = options;
  if (row.kind === 'group') {
    return [{ text: `${options.isCursor ? '› ' : '  '}▾ ${row.label} (${row.count})`, bold: true }];
  }
  const { stack } = row;
  const indent = '  '.repeat(row.depth);
  const name = `${indent}${row.depth > 0 ? '└ ' : ''}${stack.name}${row.otherParents > 0 ? ` +${row.otherParents}` : ''}`;
  const location = options.grouping === 'tree' && stack.repo ? `${stack.repo}:${stack.path}` : stack.path;
  const extras = [
    stack.lockedBy ? `locked:${stack.lockedBy}` : '',
    stack.drift === 'drifted' ? 'DRIFTED' : stack.drift === 'error' ? 'drift-error' : '',
    stack.labels.map((label) => `#${label}`).join(' '),
  ].filter(Boolean);
  const when = stack.lastRunAt ? formatAgo(stack.lastRunAt, options.nowMs) : stack.lastStatus ? '' : 'never';
  const segments: TextSegment[] = [
    { text: options.isCursor ? '› ' : '  ', bold: true },
    { text: options.isSelected ? '◉ ' : '  ', color: 'magenta' },
    { text: `${formatStatusIcon(stack.lastStatus)} `, color: pickStatusColor(stack.lastStatus) },
    { text: fitText(name, columns.name), bold: options.isCursor },
    { text: ` ${fitText(location, columns.path)} `, dim: true },
    { text: fitText(runnerNames[stack.runner] ?? stack.runner, 5) },
    { text: `${fitText(when, 9)} ` },
    { text: fitText(stack.outputCount > 0 ? `${stack.outputCount} out` : '', 6) },
    { text: ' ' },
  ];
  if (extras.length > 0 && columns.extras > 0) {
    const color = stack.drift === 'drifted' || stack.lockedBy ? 'yellow' : undefined;
    segments.push({ text: fitText(extras.join(' '), columns.extras).trimEnd(), color });
  }
  return segments;
}
