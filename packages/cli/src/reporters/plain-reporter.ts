import { formatDuration } from '@stackfleet/core';
import type { Writable } from 'node:stream';
import type { ChangeSummary, RunEvent, RunSummary, StackFinishedEvent, StackStatus } from '@stackfleet/core';

export interface PlainReporterOptions {
  out: Writable;
  color: boolean;
  /** Print each stack's output lines (the default), or only status lines. */
  showLogs?: boolean;
}

const STATUS_ICON: Record<StackStatus, string> = {
  succeeded: '✓',
  unchanged: '=',
  changed: '~',
  failed: '✗',
  skipped: '-',
  denied: '⊘',
};

const STATUS_COLOR: Record<StackStatus, number> = {
  succeeded: 32,
  unchanged: 90,
  changed: 33,
  failed: 31,
  skipped: 90,
  denied: 35,
};

const PREFIX_COLORS = [36, 35, 34, 33, 32, 96, 95, 94, 93, 92];

/**
 * Headless reporter for CI logs: every line attributed to its stack with a
 * `name | ` prefix, status lines as stacks finish, and a summary table at the
 * end. Lines arrive masked from the runner.
 */
export function createPlainReporter(options: PlainReporterOptions): (event: RunEvent) => void {
  const { out, color } = options;
  const paint = (code: number, text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  let width = 0;
  const colorOf = new Map<string, number>();
  const finished: StackFinishedEvent[] = [];
  let runOrder: string[] = [];
  const prefix = (stack: string) => paint(colorOf.get(stack) ?? 36, `${stack.padEnd(width)} |`);

  return (event) => {
    switch (event.type) {
      case 'run.started':
        runOrder = event.stacks;
        width = Math.min(24, Math.max(4, ...event.stacks.map((name) => name.length)));
        event.stacks.forEach((name, index) => colorOf.set(name, PREFIX_COLORS[index % PREFIX_COLORS.length]!));
        out.write(`${event.command} ${event.stacks.length} stack${event.stacks.length === 1 ? '' : 's'} (run ${event.runId}, -j ${event.concurrency})\n`);
        break;
      case 'stack.started':
        out.write(`${prefix(event.stack)} started\n`);
        break;
      case 'stack.log':
        if (options.showLogs !== false) out.write(`${prefix(event.stack)} ${event.line}\n`);
        break;
      case 'stack.planned':
        out.write(`${prefix(event.stack)} plan: ${event.hasChanges ? formatChanges(event.changes) : 'no changes'}\n`);
        break;
      case 'stack.finished': {
        finished.push(event);
        const detail = event.reason ? `: ${event.reason}` : '';
        const line = `${STATUS_ICON[event.status]} ${event.status}${event.status === 'skipped' ? '' : ` in ${formatDuration(event.durationMs)}`}${detail}`;
        out.write(`${width > 0 ? prefix(event.stack) : `${event.stack} |`} ${paint(STATUS_COLOR[event.status], line)}\n`);
        break;
      }
      case 'run.interrupting':
        out.write(`stopping… waiting for ${event.waitingFor.length} stack${event.waitingFor.length === 1 ? '' : 's'}: ${event.waitingFor.join(', ')}\n`);
        break;
      case 'run.finished':
        out.write(formatSummaryTable(sortByRunOrder(finished, runOrder), paint));
        out.write(
          `${event.status}: ${event.summary.total} stacks, ${describeCounts(event.summary)} in ${formatDuration(event.summary.durationMs)}\n`,
        );
        break;
      default:
        break;
    }
  };
}

export function formatChanges(changes: ChangeSummary | undefined): string {
  if (!changes) return 'changes';
  const parts = [`+${changes.create}`, `~${changes.update}`, `-${changes.delete}`];
  if (changes.replace > 0) parts.push(`±${changes.replace}`);
  return parts.join(' ');
}

function describeCounts(summary: RunSummary): string {
  const keys = ['succeeded', 'changed', 'unchanged', 'failed', 'skipped', 'denied'] as const;
  return keys.filter((key) => summary[key] > 0).map((key) => `${summary[key]} ${key}`).join(', ') || 'nothing to do';
}

function sortByRunOrder(rows: readonly StackFinishedEvent[], order: readonly string[]): StackFinishedEvent[] {
  const position = new Map(order.map((name, index) => [name, index]));
  return [...rows].sort((a, b) => (position.get(a.stack) ?? Infinity) - (position.get(b.stack) ?? Infinity));
}

function formatSummaryTable(rows: readonly StackFinishedEvent[], paint: (code: number, text: string) => string): string {
  if (rows.length === 0) return '';
  const sorted = rows;
  const nameWidth = Math.max(5, ...sorted.map((row) => row.stack.length));
  const lines = [`${'STACK'.padEnd(nameWidth)}  ${'STATUS'.padEnd(9)}  ${'DURATION'.padEnd(8)}  DETAIL`];
  for (const row of sorted) {
    const detail = row.reason ?? (row.changes ? formatChanges(row.changes) : '');
    const duration = row.status === 'skipped' ? '-' : formatDuration(row.durationMs);
    lines.push(`${row.stack.padEnd(nameWidth)}  ${paint(STATUS_COLOR[row.status], row.status.padEnd(9))}  ${duration.padEnd(8)}  ${detail}`.trimEnd());
  }
  return `\n${lines.join('\n')}\n\n`;
}
