import { formatChangeSummary } from '../text/format-changes.js';
import { describeRemediationReason, describeStatus, NO_RESOURCE_DETAILS, stripAnsi } from './render-markdown-report.js';
import type { DriftSweep, StackDriftResult } from './types.js';

/**
 * The sweep as JUnit XML for CI dashboards: one test suite per repository,
 * one test case per stack. Drift left in place is a `<failure>`, a plan (or
 * remediation) that failed is an `<error>`, a stack not checked is
 * `<skipped>`; clean and remediated stacks pass.
 */
export function renderJunitReport(sweep: DriftSweep): string {
  const byRepo = new Map<string, StackDriftResult[]>();
  for (const stack of sweep.stacks) byRepo.set(stack.repo ?? '', [...(byRepo.get(stack.repo ?? '') ?? []), stack]);
  const suites = [...byRepo.keys()].sort().map((repo) => renderSuite(repo, byRepo.get(repo) ?? [], sweep.checkedAt));
  const totals = countCases(sweep.stacks);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="stackfleet drift" tests="${sweep.stacks.length}" failures="${totals.failures}" errors="${totals.errors}" skipped="${totals.skipped}" time="${seconds(sumDurations(sweep.stacks))}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

function renderSuite(repo: string, stacks: StackDriftResult[], timestamp: string): string {
  const name = repo === '' ? 'drift' : `drift.${repo}`;
  const totals = countCases(stacks);
  return [
    `  <testsuite name="${escapeXml(name)}" tests="${stacks.length}" failures="${totals.failures}" errors="${totals.errors}" skipped="${totals.skipped}" time="${seconds(sumDurations(stacks))}" timestamp="${escapeXml(timestamp)}">`,
    ...stacks.map((stack) => renderCase(name, stack)),
    '  </testsuite>',
  ].join('\n');
}

function renderCase(suite: string, stack: StackDriftResult): string {
  const open = `    <testcase classname="${escapeXml(suite)}" name="${escapeXml(stack.stack)}" time="${seconds(stack.durationMs ?? 0)}"`;
  const outcome = classifyCase(stack);
  if (outcome === 'passed') return `${open}/>`;
  const firstReasonLine = stack.reason?.split('\n')[0];
  const message = [describeStatus(stack), outcome === 'error' && firstReasonLine ? firstReasonLine : formatChangeSummary(stack.changes)]
    .filter((part) => part !== '')
    .join(': ');
  if (outcome === 'skipped') return `${open}>\n      <skipped message="${escapeXml(stack.reason ?? 'not checked')}"/>\n    </testcase>`;
  const body = [
    stack.reason ?? '',
    stack.remediation?.reason ? `remediation: ${describeRemediationReason(stack.remediation.reason)}` : '',
    ...(stack.changes?.resources ?? []).map((resource) => `${resource.action} ${resource.address}`),
  ].filter((line) => line !== '');
  if (body.length === 0) body.push(NO_RESOURCE_DETAILS);
  const tag = outcome === 'error' ? 'error' : 'failure';
  const type = outcome === 'error' ? 'error' : 'drift';
  return `${open}>\n      <${tag} message="${escapeXml(message)}" type="${type}">${escapeXml(body.join('\n'))}</${tag}>\n    </testcase>`;
}

function classifyCase(stack: StackDriftResult): 'passed' | 'failure' | 'error' | 'skipped' {
  if (stack.status === 'error' || stack.remediation?.status === 'failed') return 'error';
  if (stack.status === 'skipped') return 'skipped';
  if (stack.status === 'drifted' && stack.remediation?.status !== 'applied') return 'failure';
  return 'passed';
}

function countCases(stacks: readonly StackDriftResult[]): { failures: number; errors: number; skipped: number } {
  const totals = { failures: 0, errors: 0, skipped: 0 };
  for (const stack of stacks) {
    const outcome = classifyCase(stack);
    if (outcome === 'failure') totals.failures += 1;
    if (outcome === 'error') totals.errors += 1;
    if (outcome === 'skipped') totals.skipped += 1;
  }
  return totals;
}

function sumDurations(stacks: readonly StackDriftResult[]): number {
  return stacks.reduce((sum, stack) => sum + (stack.durationMs ?? 0), 0);
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** XML 1.0 escapes, and characters XML 1.0 cannot carry at all (ANSI escapes in logs) dropped. */
export function escapeXml(text: string): string {
  return stripAnsi(text)
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}
