import type { Writable } from 'node:stream';
import {
  createPainter,
  escapeTerminalText,
  formatChangeCounts,
  formatCount,
  formatDuration,
  formatPolicyDecision,
  formatResumeHint,
  formatRunOutcome,
  formatStatusIcon,
  formatTable,
  pickPolicyEffectColor,
  pickStatusColor,
  type Painter,
  type PolicyEvaluatedEvent,
  type PaintStyle,
  type RunCommand,
  type RunEvent,
  type RunSummary,
  type StackFinishedEvent,
} from '@stackfleet/core';

export interface PlainReporterOptions {
  out: Writable;
  color: boolean;
  /** Print each stack's output lines (the default), or only status lines. */
  showLogs?: boolean;
  /**
   * Hold each stack's lines and print them when it finishes, inside
   * `::group::NAME` / `::endgroup::` (GitHub Actions folds them). @default false
   */
  groupLogs?: boolean;
}

/** Each stack's `name |` prefix gets its own colour, cycling, so interleaved lines are easy to follow. */
const PREFIX_COLORS: readonly PaintStyle[] = ['cyan', 'magenta', 'blue', 'yellow', 'green', 'cyanBright', 'magentaBright', 'blueBright', 'yellowBright', 'greenBright'];

/**
 * Headless reporter for CI logs: every line attributed to its stack with a
 * `name | ` prefix, status lines as stacks finish, and a summary table at the
 * end. Lines arrive masked from the runner. Policy messages and reasons are
 * escaped for the terminal (`escapeTerminalText`); a stack's own log lines
 * are printed as the stack wrote them.
 */
export function createPlainReporter(options: PlainReporterOptions): (event: RunEvent) => void {
  const { out, color } = options;
  const paint = createPainter(color);
  let width = 0;
  const colorOf = new Map<string, PaintStyle>();
  const finished: StackFinishedEvent[] = [];
  const held = new Map<string, string[]>();
  const decisions: PolicyEvaluatedEvent[] = [];
  const kept = new Set<string>();
  let runOrder: string[] = [];
  let command: RunCommand | undefined;
  const prefix = (stack: string) => paint(colorOf.get(stack) ?? 'cyan', `${stack.padEnd(width)} |`);

  return (event) => {
    switch (event.type) {
      case 'run.started':
        runOrder = event.stacks;
        command = event.command;
        width = Math.min(24, Math.max(4, ...event.stacks.map((name) => name.length)));
        event.stacks.forEach((name, index) => colorOf.set(name, PREFIX_COLORS[index % PREFIX_COLORS.length]!));
        out.write(`${event.command} ${formatCount(event.stacks.length, 'stack')} (run ${event.runId}, -j ${event.concurrency})\n`);
        if (event.alreadyDone) {
          // Kept stacks get no event: name them here and in the table, so the counts add up to the run's.
          out.write(`  ${formatCount(event.alreadyDone.length, 'stack')} already done before the resume: ${event.alreadyDone.map((kept) => kept.stack).join(', ')}\n`);
          for (const stack of event.alreadyDone) {
            kept.add(stack.stack);
            finished.push({ type: 'stack.finished', runId: event.runId, stack: stack.stack, status: stack.status, durationMs: 0, reason: 'done before the resume', at: event.at });
          }
        }
        break;
      case 'stack.started':
        out.write(`${prefix(event.stack)} started\n`);
        break;
      case 'stack.log':
        if (options.showLogs === false) break;
        if (options.groupLogs) held.set(event.stack, [...(held.get(event.stack) ?? []), event.line]);
        else out.write(`${prefix(event.stack)} ${event.line}\n`);
        break;
      case 'stack.planned':
        out.write(`${prefix(event.stack)} plan: ${event.hasChanges ? formatChangeCounts(event.changes) || 'changes' : 'no changes'}\n`);
        break;
      case 'stack.finished': {
        finished.push(event);
        const lines = held.get(event.stack);
        if (lines) {
          // The markers must start their lines; the stack's own lines keep their
          // prefix, which also keeps a stack from issuing workflow commands.
          out.write(`::group::${event.stack}\n${lines.map((line) => `${prefix(event.stack)} ${line}\n`).join('')}::endgroup::\n`);
          held.delete(event.stack);
        }
        // A reason can carry a policy's message or a command's error: one line, no escape sequences.
        const detail = event.reason ? `: ${escapeTerminalText(event.reason)}` : '';
        const line = `${formatStatusIcon(event.status)} ${event.status}${event.status === 'skipped' ? '' : ` in ${formatDuration(event.durationMs)}`}${detail}`;
        out.write(`${width > 0 ? prefix(event.stack) : `${event.stack} |`} ${paint(pickStatusColor(event.status), line)}\n`);
        break;
      }
      case 'policy.evaluated': {
        decisions.push(event);
        const who = event.stack === undefined ? 'policy |' : prefix(event.stack);
        out.write(`${who} ${paint(pickPolicyEffectColor(event.effect), formatPolicyDecision(event))}\n`);
        break;
      }
      case 'run.interrupting':
        out.write(`stopping… waiting for ${event.waitingFor.length} stack${event.waitingFor.length === 1 ? '' : 's'}: ${event.waitingFor.join(', ')}\n`);
        break;
      case 'run.finished':
        out.write(formatSummaryTable(sortByRunOrder(finished, runOrder), paint, kept));
        out.write(formatPolicySummary(decisions, paint));
        out.write(
          `${formatRunOutcome(command, event.status, event.summary)}: ${formatCount(event.summary.total, 'stack')}, ${describeCounts(event.summary)} in ${formatDuration(event.summary.durationMs)}\n`,
        );
        if (event.status === 'interrupted') out.write(`${formatResumeHint(event.runId)}\n`);
        break;
      default:
        break;
    }
  };
}

function describeCounts(summary: RunSummary): string {
  const keys = ['succeeded', 'changed', 'unchanged', 'failed', 'skipped', 'denied', 'interrupted'] as const;
  const counts = keys.filter((key) => summary[key] > 0).map((key) => `${summary[key]} ${key}`);
  if (summary.awaitingApproval > 0) counts.push(`${summary.awaitingApproval} awaiting approval`);
  return counts.join(', ') || 'nothing to do';
}

/** Every policy decision again under the table, so a warning is not lost in the logs above. */
function formatPolicySummary(decisions: readonly PolicyEvaluatedEvent[], paint: Painter): string {
  if (decisions.length === 0) return '';
  const lines = decisions.map((decision) => `  ${decision.stack ?? '(run)'}: ${paint(pickPolicyEffectColor(decision.effect), formatPolicyDecision(decision))}`);
  return `policies:\n${lines.join('\n')}\n`;
}

function sortByRunOrder(rows: readonly StackFinishedEvent[], order: readonly string[]): StackFinishedEvent[] {
  const position = new Map(order.map((name, index) => [name, index]));
  return [...rows].sort((a, b) => (position.get(a.stack) ?? Infinity) - (position.get(b.stack) ?? Infinity));
}

function formatSummaryTable(rows: readonly StackFinishedEvent[], paint: Painter, kept: ReadonlySet<string>): string {
  if (rows.length === 0) return '';
  const table = formatTable({
    header: ['STACK', 'STATUS', 'DURATION', 'DETAIL'],
    rows: rows.map((row) => [
      row.stack,
      { text: row.status, style: pickStatusColor(row.status) },
      row.status === 'skipped' || kept.has(row.stack) ? '-' : formatDuration(row.durationMs),
      row.reason ?? formatChangeCounts(row.changes),
    ]),
    paint,
  });
  return `\n${table}\n`;
}
