import type { ChangeSummary } from '../model.js';
import { countDriftResults } from './drift-exit-code.js';
import { formatChangeCounts, formatChangeSummary } from '../text/format-changes.js';
import type { DriftSweep, StackDriftResult } from './types.js';

/** Terraform's plan symbols per action. */
const ACTION_SYMBOLS = { create: '+', update: '~', delete: '-', replace: '-/+' } as const;

/** Terminal colour codes from tool output; meaningless in a report. */
export function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
}

export interface MarkdownReportOptions {
  /** GitHub rejects issue bodies over 65,536 characters; keep a margin. @default 60000 */
  maxLength?: number;
  /** Resource addresses listed per stack before "and N more". @default 50 */
  maxResourcesPerStack?: number;
  /** @default "Drift report" */
  title?: string;
}

/** Command stacks only say "changes" (exit 2); there are no resources to list. */
export const NO_RESOURCE_DETAILS = 'The plan reported changes; it lists no resources.';

interface RepoSection {
  heading: string;
  stacks: StackDriftResult[];
}

/**
 * The sweep as Markdown for a GitHub issue body or an Actions step summary:
 * a header, then per repository a table (stack, status, changes) and the
 * details of every stack that is not clean, collapsed in `<details>`.
 * Kept under `maxLength` by cutting details, last first, never table rows
 * of stacks that need attention; only when the tables alone are too long are
 * clean stacks folded into one count per repository.
 */
export function renderMarkdownReport(sweep: DriftSweep, options: MarkdownReportOptions = {}): string {
  const maxLength = options.maxLength ?? 60_000;
  const maxResources = options.maxResourcesPerStack ?? 50;
  const sections = groupByRepo(sweep.stacks);
  const header = renderHeader(sweep, options.title ?? 'Drift report');

  let listClean = true;
  let tables = sections.map((section) => renderTable(section, listClean));
  if (header.length + tables.join('').length > maxLength) {
    listClean = false;
    tables = sections.map((section) => renderTable(section, listClean));
  }
  const details = sections.map((section) => section.stacks.filter(needsDetails).map((stack) => renderDetails(stack, maxResources)));
  const totalDetails = details.reduce((sum, list) => sum + list.length, 0);

  // Reserve room for the note up front so that adding it can never break the cap.
  const noteReserve = renderCutNote(totalDetails, totalDetails, maxLength).length;
  let budget = maxLength - header.length - tables.join('').length - noteReserve;
  let kept = 0;
  const body = sections.map((_, index) => {
    let text = tables[index] ?? '';
    for (const block of details[index] ?? []) {
      if (block.length > budget) {
        budget = -1; // keep the order: once one is cut, every later one is cut too
        continue;
      }
      budget -= block.length;
      text += block;
      kept += 1;
    }
    return text;
  });
  const note = kept < totalDetails ? renderCutNote(totalDetails - kept, totalDetails, maxLength) : '';
  return `${header}${body.join('')}${note}`;
}

function groupByRepo(stacks: readonly StackDriftResult[]): RepoSection[] {
  const byRepo = new Map<string, StackDriftResult[]>();
  for (const stack of stacks) {
    const key = stack.repo ?? '';
    byRepo.set(key, [...(byRepo.get(key) ?? []), stack]);
  }
  return [...byRepo.keys()]
    .sort()
    .map((repo) => ({ heading: repo === '' ? 'Manifest repository' : `Repository \`${repo}\``, stacks: byRepo.get(repo) ?? [] }));
}

function renderHeader(sweep: DriftSweep, title: string): string {
  const counts = countDriftResults(sweep.stacks);
  const parts = [
    `${counts.drifted} drifted`,
    `${counts.clean} clean`,
    `${counts.error} error${counts.error === 1 ? '' : 's'}`,
    ...(counts.skipped > 0 ? [`${counts.skipped} skipped`] : []),
    ...(counts.remediated > 0 ? [`${counts.remediated} remediated`] : []),
    ...(counts.needsHuman > 0 ? [`${counts.needsHuman} need${counts.needsHuman === 1 ? 's' : ''} a human`] : []),
  ];
  const total = sweep.stacks.length;
  return `# ${title}\n\nRun \`${sweep.runId}\` at ${sweep.checkedAt}: ${total} stack${total === 1 ? '' : 's'}, ${parts.join(', ')}.\n`;
}

function renderTable(section: RepoSection, listClean: boolean): string {
  const listed = listClean ? section.stacks : section.stacks.filter((stack) => stack.status !== 'clean');
  const folded = section.stacks.length - listed.length;
  const rows = listed.map((stack) => `| ${escapeCell(stack.stack)} | ${describeStatus(stack)} | ${formatChangeCounts(stack.changes)} |\n`);
  const foldedRow = folded > 0 ? `| ${folded} more | clean | |\n` : '';
  return `\n## ${section.heading}\n\n| Stack | Status | Changes |\n|---|---|---|\n${rows.join('')}${foldedRow}`;
}

/**
 * A remediation's reason under a `Remediation:` label: the runner's reasons
 * name the remediation themselves (`remediation denied by policy: …`,
 * `remediation awaiting approval: …`, `remediation not approved`), which the
 * label would say twice.
 */
export function describeRemediationReason(reason: string): string {
  return reason.replace(/^remediation /, '');
}

/** The status column: what a reader has to do something about. */
export function describeStatus(stack: StackDriftResult): string {
  if (stack.status !== 'drifted') return stack.status;
  switch (stack.remediation?.status) {
    case 'applied':
      return 'remediated';
    case 'failed':
      return 'remediation failed';
    case 'needs-human':
      return 'needs a human';
    default:
      return 'drifted';
  }
}

function needsDetails(stack: StackDriftResult): boolean {
  return stack.status !== 'clean';
}

function renderDetails(stack: StackDriftResult, maxResources: number): string {
  const summary = [describeStatus(stack), formatChangeSummary(stack.changes)].filter((part) => part !== '').join(': ');
  const lines: string[] = [];
  if (stack.reason) lines.push(`<pre>${escapeHtml(stack.reason)}</pre>`);
  if (stack.remediation?.status === 'applied') lines.push('Remediation: applied the plan made by this sweep.');
  if (stack.remediation?.reason) lines.push(`Remediation: ${escapeHtml(describeRemediationReason(stack.remediation.reason))}`);
  lines.push(...renderResources(stack.changes, maxResources));
  if (lines.length === 0) lines.push(NO_RESOURCE_DETAILS);
  return `\n<details><summary>${escapeHtml(stack.stack)}: ${escapeHtml(summary)}</summary>\n\n${lines.join('\n')}\n</details>\n`;
}

function renderResources(changes: ChangeSummary | undefined, maxResources: number): string[] {
  const resources = changes?.resources ?? [];
  const shown = resources.slice(0, maxResources).map((resource) => `- \`${ACTION_SYMBOLS[resource.action]}\` ${resource.action} \`${resource.address.replaceAll('`', "'")}\``);
  if (resources.length > maxResources) shown.push(`- … and ${resources.length - maxResources} more`);
  return shown;
}

function renderCutNote(cut: number, total: number, maxLength: number): string {
  return `\n> ${cut} of ${total} stack details were cut to keep this report under ${formatThousands(maxLength)} characters; \`stackfleet drift --history\` and the JUnit report have all of them.\n`;
}

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|');
}

function escapeHtml(text: string): string {
  return stripAnsi(text).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

function formatThousands(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
