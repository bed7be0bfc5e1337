import { describe, expect, it } from 'vitest';
import { buildMarker } from './marker.js';
import { decideCheckConclusion } from './decide-check-conclusion.js';
import { GITHUB_BODY_LIMIT, renderReportMarkdown } from './render-report-markdown.js';
import type { RunReport } from './report-model.js';

const base: RunReport = {
  command: 'plan',
  runId: '20261126-120000-abc123',
  manifestPath: 'infra/stacks.yaml',
  sha: '9f1c2aa0000000000000000000000000000000000',
  runUrl: 'https://github.com/acme/infra/actions/runs/42',
  stacks: [
    { name: 'network', repo: 'platform', status: 'changed', changes: { create: 2, update: 1, delete: 0, replace: 1 }, planText: 'Plan: 3 to add, 1 to change, 1 to destroy.' },
    { name: 'db', status: 'denied', changes: { create: 0, update: 0, delete: 1, replace: 0 }, decisions: [{ effect: 'deny', rule: 'no-prod-db-delete', message: 'deleting a production database is not allowed' }] },
    { name: 'app', status: 'unchanged' },
  ],
};

describe('renderReportMarkdown', () => {
  it('starts with the marker, then a table with status, counts and policy decisions', () => {
    const body = renderReportMarkdown(base);
    expect(body.startsWith(buildMarker('plan', 'infra/stacks.yaml'))).toBe(true);
    expect(body).toContain('| `network` | platform | 📝 changed | +3 ~1 -1 |');
    expect(body).toContain('⛔ denied: deleting a production database is not allowed (`no-prod-db-delete`)');
    expect(body).toContain('<details><summary>plan: <code>network</code></summary>');
    expect(body).toContain('[full output](https://github.com/acme/infra/actions/runs/42)');
  });

  it('shows an approval a policy needs, and who gave it once given', () => {
    const decision = { effect: 'require_approval' as const, rule: 'dba-reviews', message: 'database changes need a DBA' };
    const body = (approvedBy?: string[]) =>
      renderReportMarkdown({ ...base, stacks: [{ name: 'db', status: 'changed', decisions: [{ ...decision, ...(approvedBy ? { approvedBy } : {}) }] }] });
    expect(body()).toContain('| ✋ needs approval: database changes need a DBA (`dba-reviews`) |');
    expect(body(['bob', 'carol'])).toContain('| ✅ approved by `bob`, `carol`: database changes need a DBA (`dba-reviews`) |');
  });

  it('names the saved plan run that `/stackfleet apply` applies, only when there are stacks', () => {
    const saved = 'Plans saved as run `20261126-120000-abc123`: comment `/stackfleet apply`';
    expect(renderReportMarkdown({ ...base, savedPlanRunId: base.runId })).toContain(saved);
    expect(renderReportMarkdown(base)).not.toContain('Plans saved');
    expect(renderReportMarkdown({ ...base, stacks: [], nothingAffected: true, savedPlanRunId: base.runId })).not.toContain('Plans saved');
  });

  it('shows decisions about the whole run above the table', () => {
    const body = renderReportMarkdown({ ...base, runDecisions: [{ effect: 'deny', rule: 'freeze', message: 'changes are frozen' }] });
    expect(body).toContain('Run policies: ⛔ denied: changes are frozen (`freeze`)');
  });

  it('says so when nothing is affected', () => {
    expect(renderReportMarkdown({ ...base, stacks: [], nothingAffected: true })).toContain('No stacks are affected by this change.');
  });

  it('trims 70,000 characters of plan to GitHub limit with a note saying where the rest is', () => {
    const huge = Array.from({ length: 1400 }, (_, i) => `  + resource "terraform_data" "r${i}" { input = "${'x'.repeat(30)}" }`).join('\n');
    expect(huge.length).toBeGreaterThan(70_000);
    const body = renderReportMarkdown({ ...base, stacks: [{ name: 'big', status: 'changed', planText: huge }, { name: 'small', status: 'changed', planText: 'Plan: 1 to add.' }] });
    expect(body.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT);
    expect(body).toContain("plan of `big` trimmed to fit GitHub's comment limit: see the [full output]");
    expect(body).toContain('`small`');
    // The fence is closed: the trimmed plan does not swallow the rest of the comment.
    expect(body.match(/<\/details>/g)?.length).toBeGreaterThanOrEqual(1);
  });

  it('keeps a plan that itself contains backticks inside its code block', () => {
    const body = renderReportMarkdown({ ...base, stacks: [{ name: 'x', status: 'changed', planText: 'a ``` b' }] });
    expect(body).toContain('````text\na ``` b\n````');
  });
});

describe('decideCheckConclusion', () => {
  const with_ = (stacks: RunReport['stacks'], extra: Partial<RunReport> = {}): RunReport => ({ ...base, stacks, ...extra });
  it.each([
    ['success', with_([{ name: 'a', status: 'unchanged' }])],
    ['neutral', with_([{ name: 'a', status: 'changed', changes: { create: 1, update: 0, delete: 0, replace: 0 } }])],
    ['action_required', with_([{ name: 'a', status: 'awaiting_approval', decisions: [{ effect: 'require_approval', rule: 'r', message: 'm' }] }])],
    // Satisfied by approvals: the plan's changes (neutral) or the apply's success decide.
    ['neutral', with_([{ name: 'a', status: 'changed', decisions: [{ effect: 'require_approval', rule: 'r', message: 'm', approvedBy: ['bob'] }] }])],
    ['success', with_([{ name: 'a', status: 'succeeded', decisions: [{ effect: 'require_approval', rule: 'r', message: 'm', approvedBy: ['bob'] }] }], { command: 'apply' })],
    ['failure', with_([{ name: 'a', status: 'denied', decisions: [{ effect: 'deny', rule: 'r', message: 'm' }] }])],
    ['failure', with_([{ name: 'a', status: 'failed' }])],
    ['failure', with_([{ name: 'a', status: 'interrupted' }])],
    ['failure', with_([], { error: 'manifest invalid' })],
    // A run policy judges the whole run: its deny fails the check even when every stack planned fine.
    ['failure', with_([{ name: 'a', status: 'changed' }], { runDecisions: [{ effect: 'deny', rule: 'freeze', message: 'frozen' }] })],
    ['action_required', with_([{ name: 'a', status: 'unchanged' }], { runDecisions: [{ effect: 'require_approval', rule: 'big', message: 'm' }] })],
  ] as const)('%s', (expected, report) => {
    expect(decideCheckConclusion(report)).toBe(expected);
  });
});
