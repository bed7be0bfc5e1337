import type { ChangeSummary } from '@stackfleet/core';
import type { ReportDecision, ReportStack } from './report-model.js';

/** `+2 ~1 -0` (replacements count as both a create and a delete, as terraform's own summary does). */
export function formatChangeCounts(changes: ChangeSummary | undefined): string {
  if (!changes) return '';
  const add = changes.create + changes.replace;
  const destroy = changes.delete + changes.replace;
  return `+${add} ~${changes.update} -${destroy}`;
}

const effectLabels: Record<ReportDecision['effect'], string> = {
  deny: '⛔ denied',
  require_approval: '✋ needs approval',
  warn: '⚠️ warning',
};

export function formatDecisions(decisions: ReportDecision[] | undefined): string {
  if (!decisions || decisions.length === 0) return '';
  return decisions.map((decision) => `${formatEffect(decision)}: ${escapeCell(decision.message)} (\`${decision.rule}\`)`).join('<br>');
}

/**
 * `✋ needs approval`, or once approvals satisfied it `✅ approved by `bob``.
 * Logins in code, not `@bob`: the sticky comment is edited on every push, and
 * a mention would notify the reviewer each time.
 */
function formatEffect(decision: ReportDecision): string {
  if (decision.effect !== 'require_approval' || decision.approvedBy === undefined) return effectLabels[decision.effect];
  return `✅ approved by ${decision.approvedBy.map((login) => `\`${escapeCell(login)}\``).join(', ')}`;
}

/** Text in a Markdown table cell: no pipes, no newlines. */
export function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|').replace(/\r?\n/g, ' ');
}

export function formatStatus(stack: ReportStack): string {
  const icons: Record<string, string> = {
    succeeded: '✅',
    unchanged: '➖',
    changed: '📝',
    failed: '❌',
    skipped: '⏭️',
    denied: '⛔',
    awaiting_approval: '✋',
    interrupted: '⏸️',
    drifted: '🌊',
    clean: '✅',
  };
  return `${icons[stack.status] ?? '•'} ${stack.status}`;
}
