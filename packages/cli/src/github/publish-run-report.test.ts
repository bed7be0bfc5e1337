/**
 * What a run's report becomes on GitHub, against test-utils' fake GitHub
 * (every request checked against GitHub's OpenAPI description): the report
 * is built from run events by the collector, as in a real run, including
 * policy decisions (`policy.evaluated`, issue #13).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunEvent } from '@stackfleet/core';
import { createGithubClient, type RunReport } from '@stackfleet/github';
import { buildTestManifest, startFakeGithub, type FakeGithubServer } from '@stackfleet/test-utils';
import { collectRunReport } from './collect-run-report.js';
import type { GithubSession } from './open-github-session.js';
import { formatJobOutputs, publishRunReport, startRunCheck, type ReportTargets } from './publish-run-report.js';

// Octokit's throttling spaces write requests about a second apart, as GitHub asks of integrations.
vi.setConfig({ testTimeout: 30_000 });

let github: FakeGithubServer;
let session: GithubSession;
let warnings: string[];
const sha = 'a'.repeat(40);

beforeEach(async () => {
  github = await startFakeGithub();
  warnings = [];
  session = {
    context: { token: github.state.token, apiUrl: github.url, serverUrl: 'https://github.test', owner: 'acme', repo: 'infra', eventName: 'pull_request', sha },
    client: createGithubClient({ token: github.state.token, baseUrl: github.url }),
    repo: { owner: 'acme', repo: 'infra' },
    manifestPath: 'infra/stacks.yaml',
    repoRoot: '/nowhere',
    note: () => undefined,
    warn: (what, error) => warnings.push(`${what}: ${String((error as Error).message)}`),
  };
});
afterEach(async () => {
  expect(github.problems).toEqual([]);
  await github.close();
});

/** The report a run of `events` leaves behind, as the collector builds it. */
function reportOf(events: Array<Record<string, unknown>>): RunReport {
  const manifest = buildTestManifest({ stacks: { db: {}, app: {} } });
  const collector = collectRunReport({ manifest, manifestPath: 'infra/stacks.yaml', sha });
  collector.onEvent({ type: 'run.started', runId: 'r1', command: 'plan', stacks: ['db', 'app'], concurrency: 1, at: '' });
  for (const event of events) collector.onEvent({ runId: 'r1', ...event } as unknown as RunEvent);
  return collector.report()!;
}

const finished = (stack: string, status: string) => ({ type: 'stack.finished', stack, status, durationMs: 1 });

async function conclusionOf(report: RunReport): Promise<{ conclusion?: string; annotations: unknown[] }> {
  const targets: ReportTargets = { comment: 'sticky', check: { name: 'stackfleet/plan', sha, perStack: false }, stackLines: (stack) => (stack === 'db' ? 12 : 20) };
  await startRunCheck(session, targets);
  await publishRunReport(session, report, targets, (text) => text);
  const run = github.state.checkRuns.at(-1)!;
  return { ...(run.conclusion === undefined ? {} : { conclusion: run.conclusion }), annotations: run.annotations };
}

describe('check conclusions', () => {
  it('success without changes, neutral with changes', async () => {
    expect((await conclusionOf(reportOf([finished('db', 'unchanged'), finished('app', 'unchanged')]))).conclusion).toBe('success');
    expect((await conclusionOf(reportOf([finished('db', 'changed'), finished('app', 'unchanged')]))).conclusion).toBe('neutral');
  });

  it('action_required when a policy asks for an approval', async () => {
    const report = reportOf([
      { type: 'policy.evaluated', stack: 'db', decisions: [{ effect: 'require_approval', policy: 'p', rule: 'big', message: 'needs a DBA' }] },
      finished('db', 'changed'),
      finished('app', 'unchanged'),
    ]);
    expect((await conclusionOf(report)).conclusion).toBe('action_required');
  });

  it('neutral once approvals satisfied the policy (the decision says by whom)', async () => {
    const report = reportOf([
      { type: 'policy.evaluated', stack: 'db', policy: 'p', rule: 'big', effect: 'require_approval', message: 'needs a DBA', approvedBy: ['bob'] },
      finished('db', 'changed'),
    ]);
    expect((await conclusionOf(report)).conclusion).toBe('neutral');
    expect(report.stacks.find((stack) => stack.name === 'db')?.decisions).toEqual([{ effect: 'require_approval', policy: 'p', rule: 'big', message: 'needs a DBA', approvedBy: ['bob'] }]);
  });

  it('failure with an annotation on the stack in the manifest when a policy denies', async () => {
    const report = reportOf([
      { type: 'policy.evaluated', stack: 'db', decisions: [{ effect: 'deny', policy: 'p', rule: 'no-delete', message: 'deleting the database is not allowed' }] },
      finished('db', 'denied'),
      finished('app', 'skipped'),
    ]);
    const { conclusion, annotations } = await conclusionOf(report);
    expect(conclusion).toBe('failure');
    expect(annotations).toEqual([
      { path: 'infra/stacks.yaml', start_line: 12, end_line: 12, annotation_level: 'failure', title: 'db denied by policy', message: 'no-delete: deleting the database is not allowed' },
    ]);
    expect(github.state.comments).toEqual([]);
    expect(warnings).toEqual([]);
  });
});

describe('the comment and the outputs', () => {
  it('masks every body with the run masker and the token', async () => {
    const report = reportOf([
      { type: 'stack.step', stack: 'db', step: 'plan' },
      { type: 'stack.log', stack: 'db', stream: 'stdout', line: 'password is s3cret-value' },
      finished('db', 'changed'),
    ]);
    const targets: ReportTargets = { pullNumber: 7, comment: 'sticky', check: { name: 'stackfleet/plan', sha, perStack: true }, stackLines: () => 1 };
    await publishRunReport(session, report, targets, (text) => text.replaceAll('s3cret-value', '***'));
    expect(github.state.comments[0]?.body).toContain('password is ***');
    expect(github.state.checkRuns.map((run) => run.name)).toEqual(['stackfleet/plan', 'stackfleet/plan: db', 'stackfleet/plan: app']);
    for (const request of github.requests) expect(request.text).not.toContain('s3cret-value');
  });

  it('formats the job outputs', () => {
    expect(formatJobOutputs(reportOf([finished('db', 'changed'), finished('app', 'unchanged')]))).toBe('affected=["db","app"]\nchanges=true\n');
    expect(formatJobOutputs(reportOf([finished('db', 'unchanged'), finished('app', 'unchanged')]))).toBe('affected=["db","app"]\nchanges=false\n');
  });
});
