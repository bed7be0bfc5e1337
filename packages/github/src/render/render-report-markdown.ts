/**
 * The Markdown body of the sticky pull-request comment (and of the step
 * summary and drift issue): a summary table, then a collapsed `<details>` per
 * changed stack with its plan. GitHub refuses bodies over 65,536 characters,
 * so plans are trimmed to fit, with a note that says where the full output is.
 */
import { buildMarker, type MarkerKind } from './marker.js';
import { escapeCell, formatChangeCounts, formatDecisions, formatStatus } from './format-report.js';
import type { RunReport } from './report-model.js';

/** GitHub's limit for an issue or comment body. */
export const GITHUB_BODY_LIMIT = 65_536;

const titles: Record<RunReport['command'], string> = {
  plan: 'stackfleet plan',
  apply: 'stackfleet apply',
  destroy: 'stackfleet destroy',
  drift: 'stackfleet drift',
};

export interface RenderOptions {
  /** Add the hidden marker (comments and issues; not the step summary). @default true */
  marker?: boolean;
  /** @default GITHUB_BODY_LIMIT */
  limit?: number;
  /** Which marker (a comment command's apply answers in the plan's sticky comment). @default from the report's command */
  markerKind?: MarkerKind;
}

export function renderReportMarkdown(report: RunReport, options: RenderOptions = {}): string {
  const limit = options.limit ?? GITHUB_BODY_LIMIT;
  const kind: MarkerKind = options.markerKind ?? (report.command === 'drift' ? 'drift' : report.command === 'plan' ? 'plan' : 'apply');
  const head: string[] = [];
  if (options.marker !== false) head.push(buildMarker(kind, report.manifestPath));
  head.push(`### ${titles[report.command]} · \`${escapeCell(report.manifestPath)}\` · ${report.sha.slice(0, 7)}`, '');
  if (report.error) head.push(`❌ ${escapeCell(report.error)}`, '');
  if (report.runDecisions && report.runDecisions.length > 0) head.push(`Run policies: ${formatDecisions(report.runDecisions)}`, '');
  if (report.nothingAffected || (report.stacks.length === 0 && !report.error)) {
    head.push('No stacks are affected by this change.', '');
  } else if (report.stacks.length > 0) {
    head.push('| stack | repo | status | +/~/- | policy |', '|---|---|---|---|---|');
    for (const stack of report.stacks) {
      const detail = stack.reason ? ` (${escapeCell(stack.reason)})` : '';
      head.push(
        `| \`${escapeCell(stack.name)}\` | ${escapeCell(stack.repo || '-')} | ${formatStatus(stack)}${detail} | ${formatChangeCounts(stack.changes)} | ${formatDecisions(stack.decisions)} |`,
      );
    }
    head.push('');
  }
  if (report.savedPlanRunId && report.stacks.length > 0) {
    head.push(`Plans saved as run \`${escapeCell(report.savedPlanRunId)}\`: comment \`/stackfleet apply\` to apply exactly these plans once the pull request is approved.`, '');
  }
  const footer = `<sub>run \`${report.runId}\`${report.runUrl ? ` · [full output](${report.runUrl})` : ''}</sub>`;
  const sections = report.stacks
    .filter((stack) => stack.planText !== undefined && stack.planText.trim() !== '')
    .map((stack) => ({ stack: stack.name, text: stack.planText ?? '' }));
  return fitSections(head.join('\n'), sections, footer, limit, report.runUrl);
}

/**
 * Adds each stack's `<details>` while it fits; a plan that does not fit is cut
 * at a line boundary with a note, and stacks after the limit are listed by
 * name only. The result is never longer than `limit`.
 */
function fitSections(head: string, sections: { stack: string; text: string }[], footer: string, limit: number, runUrl?: string): string {
  const where = runUrl ? `the [full output](${runUrl})` : 'the job log and the step summary';
  const trimmedNote = (stack: string): string => `\n… plan of \`${stack}\` trimmed to fit GitHub's comment limit: see ${where}.`;
  const omittedNote = (names: string[]): string => `\n\n${names.length} more plan(s) not shown (${names.map((name) => `\`${name}\``).join(', ')}): see ${where}.`;
  const parts: string[] = [head];
  let used = head.length + footer.length + 2;
  const omitted: string[] = [];
  const fence = (text: string): string => '`'.repeat(Math.max(3, longestBacktickRun(text) + 1));
  for (const section of sections) {
    const ticks = fence(section.text);
    const open = `<details><summary>plan: <code>${escapeHtml(section.stack)}</code></summary>\n\n${ticks}text\n`;
    const close = `\n${ticks}\n</details>\n`;
    // Keep room for the omitted-stacks note in the worst case.
    const reserve = omittedNote(sections.map((s) => s.stack)).length;
    const room = limit - used - open.length - close.length - reserve;
    if (room <= 200) {
      omitted.push(section.stack);
      continue;
    }
    let text = section.text.replace(/\s+$/, '');
    if (text.length > room) {
      const note = trimmedNote(section.stack);
      const cut = text.lastIndexOf('\n', room - note.length);
      text = text.slice(0, cut > 0 ? cut : Math.max(0, room - note.length)) + note;
    }
    const block = open + text + close;
    parts.push(block);
    used += block.length;
  }
  let body = parts.join('\n');
  if (omitted.length > 0) body += omittedNote(omitted);
  body += `\n${footer}`;
  return body.length <= limit ? body : body.slice(0, limit);
}

function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const match of text.matchAll(/`+/g)) longest = Math.max(longest, match[0].length);
  return longest;
}

function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
