/**
 * The GitHub calls against a real local HTTP server (test-utils' fake GitHub),
 * which checks every request against GitHub's OpenAPI description: tests assert
 * `problems` stays empty, so a request GitHub would refuse fails here too.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGithub, type FakeGithubServer } from '@stackfleet/test-utils';
import { buildMarker } from '../render/marker.js';
import { completeCheckRun, startCheckRun } from './check-runs.js';
import { createGithubClient, type GithubClient } from './create-github-client.js';
import { syncDriftIssue } from './drift-issue.js';
import { hasWritePermission, readApprovals, readPullRequest, readPullsForCommit, readTeamMemberships } from './read-approvals.js';
import { upsertStickyComment } from './upsert-sticky-comment.js';

let github: FakeGithubServer;
let client: GithubClient;
const repo = { owner: 'acme', repo: 'infra' };
const head = 'a'.repeat(40);

beforeEach(async () => {
  github = await startFakeGithub({
    pulls: [
      {
        number: 7,
        author: 'alice',
        headSha: head,
        baseSha: 'b'.repeat(40),
        mergeCommitSha: 'c'.repeat(40),
        reviews: [
          { id: 1, user: 'bob', state: 'APPROVED', commit_id: head, submitted_at: '2026-01-01T10:00:00Z' },
          { id: 2, user: 'carol', state: 'APPROVED', commit_id: 'd'.repeat(40), submitted_at: '2026-01-01T10:00:00Z' },
          { id: 3, user: 'alice', state: 'APPROVED', commit_id: head, submitted_at: '2026-01-01T10:00:00Z' },
          { id: 4, user: 'dave', state: 'APPROVED', commit_id: head, submitted_at: '2026-01-01T10:00:00Z' },
          { id: 5, user: 'dave', state: 'CHANGES_REQUESTED', commit_id: head, submitted_at: '2026-01-01T11:00:00Z' },
          { id: 6, user: 'erin', state: 'COMMENTED', commit_id: head, submitted_at: '2026-01-01T12:00:00Z' },
        ],
      },
    ],
    permissions: { alice: 'write', mallory: 'read' },
    teams: { 'acme/platform': ['bob'] },
  });
  client = createGithubClient({ token: github.state.token, baseUrl: github.url });
});
afterEach(async () => {
  expect(github.problems).toEqual([]);
  await github.close();
});

describe('sticky comment', () => {
  it('creates one comment, then updates it in place; two fleets keep two comments', async () => {
    const target = { ...repo, issueNumber: 7 };
    const marker = buildMarker('plan', 'stacks.yaml');
    const first = await upsertStickyComment(client, target, marker, `${marker}\nfirst`);
    const second = await upsertStickyComment(client, target, marker, `${marker}\nsecond`);
    expect(first.created).toBe(true);
    expect(second).toMatchObject({ created: false, id: first.id });
    const other = buildMarker('plan', 'staging/stacks.yaml');
    await upsertStickyComment(client, target, other, `${other}\nstaging`);
    expect(github.state.comments.map((comment) => comment.body)).toEqual([`${marker}\nsecond`, `${other}\nstaging`]);
    // Found by the marker only: no call to /user.
    expect(github.requests.some((request) => request.path === '/user')).toBe(false);
  });

  it('finds its comment among many (pagination)', async () => {
    const marker = buildMarker('plan', 'stacks.yaml');
    for (let index = 0; index < 130; index++) {
      github.state.comments.push({ id: index + 1, issueNumber: 7, body: `chatter ${index}`, user: 'bob', created_at: '', updated_at: '', reactions: [] });
    }
    github.state.comments.push({ id: 9999, issueNumber: 7, body: `${marker}\nold`, user: 'github-actions[bot]', created_at: '', updated_at: '', reactions: [] });
    const result = await upsertStickyComment(client, { ...repo, issueNumber: 7 }, marker, `${marker}\nnew`);
    expect(result).toMatchObject({ id: 9999, created: false });
  });
});

describe('check runs', () => {
  it('starts and completes a check run on the head sha with annotations in batches of 50', async () => {
    const id = await startCheckRun(client, repo, 'stackfleet/plan', head, 'https://example.test/run');
    const annotations = Array.from({ length: 60 }, (_, index) => ({
      path: 'stacks.yaml', start_line: index + 1, end_line: index + 1, annotation_level: 'failure' as const, message: `denied ${index}`,
    }));
    await completeCheckRun(client, repo, id, { conclusion: 'failure', title: '1 stack denied', summary: 'summary', annotations });
    const [run] = github.state.checkRuns;
    expect(run).toMatchObject({ name: 'stackfleet/plan', head_sha: head, status: 'completed', conclusion: 'failure' });
    expect(run?.annotations).toHaveLength(60);
  });
});

describe('approvals and permissions', () => {
  it('counts latest APPROVED reviews on the head commit, never stale ones or the author', async () => {
    const pull = await readPullRequest(client, repo, 7);
    const approvals = await readApprovals(client, repo, pull);
    expect(approvals.map((approval) => approval.by)).toEqual(['bob']);
  });

  it('reads team membership and write permission', async () => {
    expect(await readTeamMemberships(client, 'acme', 'bob', ['platform', 'security'])).toEqual(['platform']);
    expect(await hasWritePermission(client, repo, 'alice')).toBe(true);
    expect(await hasWritePermission(client, repo, 'mallory')).toBe(false);
  });

  it('finds the merged pull request of a pushed commit', async () => {
    expect(await readPullsForCommit(client, repo, 'c'.repeat(40))).toEqual([7]);
  });
});

describe('rate limits', () => {
  it('waits out a 403 secondary rate limit with retry-after and succeeds', async () => {
    github.state.failures.push({
      operationId: 'issues/create-comment',
      status: 403,
      headers: { 'retry-after': '1' },
      message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      times: 1,
    });
    const waits: string[] = [];
    const waiting = createGithubClient({ token: github.state.token, baseUrl: github.url, onWait: (message) => waits.push(message) });
    const result = await upsertStickyComment(waiting, { ...repo, issueNumber: 7 }, 'm', 'm body');
    expect(result.created).toBe(true);
    expect(waits).toEqual(['GitHub secondary rate limit reached; retrying in 1s']);
    expect(github.requests.filter((request) => request.operationId === 'issues/create-comment')).toHaveLength(2);
  });
});

describe('drift issue', () => {
  it('opens one issue, edits it on the next drifted sweep, closes it when clean', async () => {
    const marker = buildMarker('drift', 'stacks.yaml');
    expect(await syncDriftIssue(client, repo, marker, { driftedCount: 2, body: `${marker}\nreport 1` })).toMatchObject({ action: 'created' });
    expect(await syncDriftIssue(client, repo, marker, { driftedCount: 1, body: `${marker}\nreport 2` })).toMatchObject({ action: 'updated' });
    expect(github.state.issues).toHaveLength(1);
    expect(github.state.issues[0]).toMatchObject({ title: 'Drift detected: 1 stack(s)', state: 'open', labels: ['stackfleet-drift'] });
    expect(await syncDriftIssue(client, repo, marker, { driftedCount: 0, body: `${marker}\nclean` })).toMatchObject({ action: 'closed' });
    expect(github.state.issues[0]?.state).toBe('closed');
  });

  it('finds its issue by the marker alone when GitHub dropped the label', async () => {
    const marker = buildMarker('drift', 'stacks.yaml');
    github.state.issues.push({ number: 3, title: 'Drift detected: 2 stack(s)', body: `${marker}\nold`, state: 'open', labels: [], user: 'github-actions[bot]' });
    expect(await syncDriftIssue(client, repo, marker, { driftedCount: 1, body: `${marker}\nnew` })).toEqual({ action: 'updated', number: 3 });
    expect(github.state.issues).toHaveLength(1);
  });
});

describe('the fake server itself', () => {
  it('refuses a request GitHub would refuse (OpenAPI check), so tests cannot pass on invalid calls', async () => {
    await expect(client.request('POST /repos/{owner}/{repo}/check-runs', { ...repo, head_sha: head })).rejects.toMatchObject({ status: 422 });
    expect(github.problems.join('\n')).toContain("must have required property 'name'");
    github.problems.length = 0;
  });
});
