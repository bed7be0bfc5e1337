/**
 * A local HTTP server that speaks the part of GitHub's REST API stackfleet
 * uses, with in-memory state, for end-to-end tests of the pull-request loop.
 * Every request is checked against GitHub's OpenAPI description first (see
 * `openapi-validator.ts`); an unknown operation or an invalid body is answered
 * 422 and recorded in `problems`, so tests assert `problems` is empty.
 * Responses carry the fields GitHub's own responses have that clients read.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { matchOperation, preloadOpenApi, validateRequestBody, type MatchedOperation } from './openapi-validator.js';

export interface RecordedRequest {
  method: string;
  path: string;
  operationId: string;
  body: unknown;
  /** The raw body text, for byte scans (secrets). */
  text: string;
}

export interface FakeComment {
  id: number;
  issueNumber: number;
  body: string;
  user: string;
  created_at: string;
  updated_at: string;
  reactions: string[];
}

export interface FakeReview {
  id: number;
  user: string;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';
  commit_id: string;
  submitted_at: string;
  body?: string;
}

export interface FakePull {
  number: number;
  author: string;
  headSha: string;
  baseSha: string;
  headRef?: string;
  baseRef?: string;
  state?: 'open' | 'closed';
  merged?: boolean;
  mergeable?: boolean;
  mergeCommitSha?: string;
  reviews?: FakeReview[];
}

export interface FakeCheckRun {
  id: number;
  name: string;
  head_sha: string;
  status?: string;
  conclusion?: string;
  output?: { title?: string; summary?: string; text?: string; annotations?: unknown[] };
  /** Every annotation sent across creates and updates (GitHub appends them). */
  annotations: unknown[];
}

export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  labels: string[];
  user: string;
}

/** A scripted failure for the next `times` requests to `operationId`. */
export interface ScriptedFailure {
  operationId: string;
  status: number;
  headers?: Record<string, string>;
  message: string;
  times: number;
}

export interface FakeGithubState {
  owner: string;
  repo: string;
  /** The login the token belongs to (the bot). */
  botLogin: string;
  token: string;
  pulls: FakePull[];
  comments: FakeComment[];
  checkRuns: FakeCheckRun[];
  issues: FakeIssue[];
  /** login -> admin | maintain | write | triage | read | none */
  permissions: Record<string, string>;
  /** "org/team" -> logins */
  teams: Record<string, string[]>;
  failures: ScriptedFailure[];
}

export interface FakeGithubServer {
  /** e.g. `http://127.0.0.1:PORT` (use as GITHUB_API_URL). */
  url: string;
  state: FakeGithubState;
  requests: RecordedRequest[];
  /** Requests GitHub's OpenAPI description does not allow (must stay empty). */
  problems: string[];
  close(): Promise<void>;
}

const now = (): string => new Date().toISOString();

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  response.end(text);
}

function userObject(login: string): Record<string, unknown> {
  return { login, id: login.length * 1000 + login.charCodeAt(0), node_id: `U_${login}`, type: login.endsWith('[bot]') ? 'Bot' : 'User' };
}

export async function startFakeGithub(initial: Partial<FakeGithubState> = {}): Promise<FakeGithubServer> {
  preloadOpenApi();
  const state: FakeGithubState = {
    owner: 'acme',
    repo: 'infra',
    botLogin: 'github-actions[bot]',
    token: 'ghs_faketoken',
    pulls: [],
    comments: [],
    checkRuns: [],
    issues: [],
    permissions: {},
    teams: {},
    failures: [],
    ...initial,
  };
  const requests: RecordedRequest[] = [];
  const problems: string[] = [];
  let nextId = 1000;
  let base = '';

  const commentJson = (comment: FakeComment): Record<string, unknown> => ({
    id: comment.id,
    node_id: `IC_${comment.id}`,
    url: `${base}/repos/${state.owner}/${state.repo}/issues/comments/${comment.id}`,
    html_url: `https://github.test/${state.owner}/${state.repo}/pull/${comment.issueNumber}#issuecomment-${comment.id}`,
    issue_url: `${base}/repos/${state.owner}/${state.repo}/issues/${comment.issueNumber}`,
    body: comment.body,
    user: userObject(comment.user),
    created_at: comment.created_at,
    updated_at: comment.updated_at,
    author_association: 'NONE',
  });
  const pullJson = (pull: FakePull): Record<string, unknown> => ({
    id: pull.number * 10,
    number: pull.number,
    state: pull.state ?? 'open',
    title: `PR ${pull.number}`,
    user: userObject(pull.author),
    head: { sha: pull.headSha, ref: pull.headRef ?? `feature-${pull.number}` },
    base: { sha: pull.baseSha, ref: pull.baseRef ?? 'main' },
    merged: pull.merged ?? false,
    mergeable: pull.mergeable ?? true,
    merge_commit_sha: pull.mergeCommitSha ?? null,
    html_url: `https://github.test/${state.owner}/${state.repo}/pull/${pull.number}`,
  });
  const checkJson = (run: FakeCheckRun): Record<string, unknown> => ({
    id: run.id,
    name: run.name,
    head_sha: run.head_sha,
    status: run.status ?? 'queued',
    conclusion: run.conclusion ?? null,
    output: { title: run.output?.title ?? null, summary: run.output?.summary ?? null, text: run.output?.text ?? null, annotations_count: run.annotations.length },
    html_url: `https://github.test/${state.owner}/${state.repo}/runs/${run.id}`,
  });
  const issueJson = (issue: FakeIssue): Record<string, unknown> => ({
    id: issue.number * 7,
    number: issue.number,
    title: issue.title,
    body: issue.body,
    state: issue.state,
    labels: issue.labels.map((name) => ({ name })),
    user: userObject(issue.user),
    html_url: `https://github.test/${state.owner}/${state.repo}/issues/${issue.number}`,
  });

  function paginate<T>(items: T[], url: URL, response: ServerResponse, map: (item: T) => unknown): void {
    const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), 100);
    const page = Number(url.searchParams.get('page') ?? 1);
    const slice = items.slice((page - 1) * perPage, page * perPage);
    const headers: Record<string, string> = {};
    if (page * perPage < items.length) {
      const next = new URL(url.toString());
      next.searchParams.set('page', String(page + 1));
      headers.link = `<${base}${next.pathname}${next.search}>; rel="next"`;
    }
    send(response, 200, slice.map(map), headers);
  }

  function handle(op: MatchedOperation, method: string, url: URL, body: Record<string, unknown>, response: ServerResponse): void {
    const p = op.params;
    const issueNumber = Number(p.issue_number ?? p.pull_number);
    if (p.owner !== undefined && (p.owner !== state.owner || p.repo !== state.repo)) {
      return send(response, 404, { message: 'Not Found' });
    }
    switch (op.operationId) {
      case 'issues/list-comments':
        return paginate(state.comments.filter((c) => c.issueNumber === issueNumber), url, response, commentJson);
      case 'issues/create-comment': {
        const comment: FakeComment = { id: ++nextId, issueNumber, body: String(body.body), user: state.botLogin, created_at: now(), updated_at: now(), reactions: [] };
        state.comments.push(comment);
        return send(response, 201, commentJson(comment));
      }
      case 'issues/update-comment': {
        const comment = state.comments.find((c) => c.id === Number(p.comment_id));
        if (!comment) return send(response, 404, { message: 'Not Found' });
        comment.body = String(body.body);
        comment.updated_at = now();
        return send(response, 200, commentJson(comment));
      }
      case 'reactions/create-for-issue-comment': {
        const comment = state.comments.find((c) => c.id === Number(p.comment_id));
        if (!comment) return send(response, 404, { message: 'Not Found' });
        comment.reactions.push(String(body.content));
        return send(response, 201, { id: ++nextId, content: body.content, user: userObject(state.botLogin), created_at: now() });
      }
      case 'pulls/get': {
        const pull = state.pulls.find((candidate) => candidate.number === issueNumber);
        return pull ? send(response, 200, pullJson(pull)) : send(response, 404, { message: 'Not Found' });
      }
      case 'pulls/list-reviews': {
        const pull = state.pulls.find((candidate) => candidate.number === issueNumber);
        if (!pull) return send(response, 404, { message: 'Not Found' });
        return paginate(pull.reviews ?? [], url, response, (review) => ({
          id: review.id,
          node_id: `PRR_${review.id}`,
          user: userObject(review.user),
          body: review.body ?? '',
          state: review.state,
          commit_id: review.commit_id,
          submitted_at: review.submitted_at,
          author_association: 'MEMBER',
          html_url: `https://github.test/${state.owner}/${state.repo}/pull/${pull.number}#pullrequestreview-${review.id}`,
        }));
      }
      case 'repos/list-pull-requests-associated-with-commit':
        return paginate(
          state.pulls.filter((pull) => pull.headSha === p.commit_sha || pull.mergeCommitSha === p.commit_sha),
          url,
          response,
          pullJson,
        );
      case 'checks/create': {
        const run: FakeCheckRun = {
          id: ++nextId,
          name: String(body.name),
          head_sha: String(body.head_sha),
          status: body.status as string | undefined,
          conclusion: body.conclusion as string | undefined,
          output: body.output as FakeCheckRun['output'],
          annotations: [...(((body.output as FakeCheckRun['output'])?.annotations) ?? [])],
        };
        if (run.conclusion !== undefined) run.status = 'completed';
        state.checkRuns.push(run);
        return send(response, 201, checkJson(run));
      }
      case 'checks/update': {
        const run = state.checkRuns.find((candidate) => candidate.id === Number(p.check_run_id));
        if (!run) return send(response, 404, { message: 'Not Found' });
        if (body.status !== undefined) run.status = body.status as string;
        if (body.conclusion !== undefined) {
          run.conclusion = body.conclusion as string;
          run.status = 'completed';
        }
        if (body.output !== undefined) {
          run.output = body.output as FakeCheckRun['output'];
          run.annotations.push(...(run.output?.annotations ?? []));
        }
        return send(response, 200, checkJson(run));
      }
      case 'repos/get-collaborator-permission-level': {
        const permission = state.permissions[p.username ?? ''] ?? 'none';
        const role = permission === 'none' ? 'none' : permission;
        return send(response, 200, { permission: ['maintain', 'triage'].includes(permission) ? (permission === 'maintain' ? 'write' : 'read') : permission, role_name: role, user: userObject(p.username ?? '') });
      }
      case 'teams/get-membership-for-user-in-org': {
        const members = state.teams[`${p.org}/${p.team_slug}`] ?? [];
        return members.includes(p.username ?? '')
          ? send(response, 200, { state: 'active', role: 'member', url: `${base}${url.pathname}` })
          : send(response, 404, { message: 'Not Found' });
      }
      case 'issues/list-for-repo': {
        const wanted = url.searchParams.get('state') ?? 'open';
        const labels = (url.searchParams.get('labels') ?? '').split(',').filter((label) => label !== '');
        const issues = state.issues.filter(
          (issue) => (wanted === 'all' || issue.state === wanted) && labels.every((label) => issue.labels.includes(label)),
        );
        return paginate(issues, url, response, issueJson);
      }
      case 'issues/create': {
        const issue: FakeIssue = {
          number: ++nextId,
          title: String(body.title),
          // eslint-disable-next-line @typescript-eslint/no-base-to-string -- the OpenAPI validator let only strings through here.
          body: String(body.body ?? ''),
          state: 'open',
          labels: ((body.labels as unknown[] | undefined) ?? []).map((label) => (typeof label === 'string' ? label : String((label as { name?: string }).name))),
          user: state.botLogin,
        };
        state.issues.push(issue);
        return send(response, 201, issueJson(issue));
      }
      case 'issues/update': {
        const issue = state.issues.find((candidate) => candidate.number === issueNumber);
        if (!issue) return send(response, 404, { message: 'Not Found' });
        // eslint-disable-next-line @typescript-eslint/no-base-to-string -- the OpenAPI validator let only strings through here.
        if (body.title !== undefined) issue.title = String(body.title);
        // eslint-disable-next-line @typescript-eslint/no-base-to-string -- the OpenAPI validator let only strings through here.
        if (body.body !== undefined) issue.body = String(body.body);
        if (body.state !== undefined) issue.state = body.state as FakeIssue['state'];
        return send(response, 200, issueJson(issue));
      }
      default:
        problems.push(`the fake server does not implement ${op.operationId} (${method} ${op.template})`);
        return send(response, 501, { message: `not implemented in the fake: ${op.operationId}` });
    }
  }

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const method = request.method ?? 'GET';
      const url = new URL(request.url ?? '/', base);
      const text = Buffer.concat(chunks).toString('utf8');
      const operation = matchOperation(method, url.pathname);
      if (typeof operation === 'string') {
        problems.push(operation);
        return send(response, 404, { message: operation });
      }
      let body: unknown;
      if (text !== '') {
        try {
          body = JSON.parse(text) as unknown;
        } catch {
          problems.push(`${method} ${url.pathname}: body is not JSON`);
          return send(response, 400, { message: 'Problems parsing JSON' });
        }
      }
      requests.push({ method, path: url.pathname + url.search, operationId: operation.operationId, body, text });
      const auth = request.headers.authorization ?? '';
      if (auth !== `token ${state.token}` && auth !== `Bearer ${state.token}`) {
        return send(response, 401, { message: 'Bad credentials' });
      }
      if (['POST', 'PATCH', 'PUT'].includes(method)) {
        const invalid = validateRequestBody(operation, method, body);
        if (invalid.length > 0) {
          problems.push(`${method} ${operation.template} (${operation.operationId}): ${invalid.join('; ')}`);
          return send(response, 422, { message: 'Validation Failed', errors: invalid });
        }
      }
      const failure = state.failures.find((candidate) => candidate.operationId === operation.operationId && candidate.times > 0);
      if (failure) {
        failure.times -= 1;
        return send(response, failure.status, { message: failure.message, documentation_url: 'https://docs.github.com/rest' }, failure.headers);
      }
      handle(operation, method, url, (body ?? {}) as Record<string, unknown>, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    state,
    requests,
    problems,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
