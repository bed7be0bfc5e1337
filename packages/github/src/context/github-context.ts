/**
 * What a GitHub Actions job tells us about itself: the environment
 * (`GITHUB_*`) and the event payload file. Parsing is pure; `readGithubContext`
 * reads the payload file. Missing pieces are clear errors naming the variable.
 */
import { readFileSync } from 'node:fs';
import { StackfleetError } from '@stackfleet/core';

export interface GithubContext {
  token: string;
  apiUrl: string;
  serverUrl: string;
  owner: string;
  repo: string;
  eventName: string;
  /** GITHUB_SHA: on pull_request events the test-merge commit, which the PR page does not show. */
  sha: string;
  runId?: string;
  /** `${serverUrl}/${owner}/${repo}/actions/runs/${runId}` */
  runUrl?: string;
  actor?: string;
  stepSummaryPath?: string;
  outputPath?: string;
  pullRequest?: { number: number; baseSha: string; headSha: string; author: string };
  push?: { before: string; after: string; ref: string };
  /** issue_comment events: the comment and the PR it is on. */
  comment?: { id: number; body: string; author: string; issueNumber: number; isPullRequest: boolean };
}

type Env = Record<string, string | undefined>;

function required(env: Env, name: string, why: string): string {
  const value = env[name];
  if (value === undefined || value === '') {
    throw new StackfleetError('E_GITHUB_ENV', `--github needs ${name} (${why})`, {
      hint: 'Run inside GitHub Actions, or set the variable yourself (see docs/ci.md).',
    });
  }
  return value;
}

/** Pure: the context from an environment and an already-read event payload. */
export function parseGithubContext(env: Env, payload: Record<string, unknown>, options: { tokenEnv?: string } = {}): GithubContext {
  const tokenName = options.tokenEnv ?? (env.GITHUB_TOKEN ? 'GITHUB_TOKEN' : env.GH_TOKEN ? 'GH_TOKEN' : 'GITHUB_TOKEN');
  const token = required(env, tokenName, options.tokenEnv ? 'the token, as --github-token-env says' : 'the token that posts comments and checks; GH_TOKEN also works');
  const [owner, repo] = required(env, 'GITHUB_REPOSITORY', 'owner/repo').split('/');
  if (!owner || !repo) throw new StackfleetError('E_GITHUB_ENV', `GITHUB_REPOSITORY must be owner/repo, got ${JSON.stringify(env.GITHUB_REPOSITORY)}`);
  const eventName = required(env, 'GITHUB_EVENT_NAME', 'which event started the workflow');
  const serverUrl = (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/+$/, '');
  const runId = env.GITHUB_RUN_ID || undefined;
  const context: GithubContext = {
    token,
    apiUrl: (env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, ''),
    serverUrl,
    owner,
    repo,
    eventName,
    sha: env.GITHUB_SHA ?? '',
    ...(runId ? { runId, runUrl: `${serverUrl}/${owner}/${repo}/actions/runs/${runId}` } : {}),
    ...(env.GITHUB_ACTOR ? { actor: env.GITHUB_ACTOR } : {}),
    ...(env.GITHUB_STEP_SUMMARY ? { stepSummaryPath: env.GITHUB_STEP_SUMMARY } : {}),
    ...(env.GITHUB_OUTPUT ? { outputPath: env.GITHUB_OUTPUT } : {}),
  };
  const pull = payload.pull_request as { number?: number; base?: { sha?: string }; head?: { sha?: string }; user?: { login?: string } } | undefined;
  if (pull && typeof pull.number === 'number') {
    context.pullRequest = { number: pull.number, baseSha: pull.base?.sha ?? '', headSha: pull.head?.sha ?? '', author: pull.user?.login ?? '' };
  }
  if (eventName === 'push' && typeof payload.after === 'string') {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- GitHub sends strings here; String() only shields us from an odd payload.
    context.push = { before: String(payload.before ?? ''), after: payload.after, ref: String(payload.ref ?? '') };
  }
  const comment = payload.comment as { id?: number; body?: string; user?: { login?: string } } | undefined;
  const issue = payload.issue as { number?: number; pull_request?: unknown } | undefined;
  if (comment && typeof comment.id === 'number' && issue && typeof issue.number === 'number') {
    context.comment = { id: comment.id, body: comment.body ?? '', author: comment.user?.login ?? '', issueNumber: issue.number, isPullRequest: issue.pull_request !== undefined };
  }
  return context;
}

/** Reads `GITHUB_EVENT_PATH` and parses the context. */
export function readGithubContext(env: Env, options: { tokenEnv?: string } = {}): GithubContext {
  const path = required(env, 'GITHUB_EVENT_PATH', 'the event payload file');
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new StackfleetError('E_GITHUB_ENV', `cannot read the GitHub event payload GITHUB_EVENT_PATH=${path}: ${(error as Error).message}`, {
      hint: 'GitHub Actions sets GITHUB_EVENT_PATH to a JSON file; outside Actions write one (see docs/ci.md).',
    });
  }
  return parseGithubContext(env, payload, options);
}

/** An all-zero `before` means the branch was just created: no usable base. */
export function isNullSha(sha: string): boolean {
  return /^0+$/.test(sha);
}
