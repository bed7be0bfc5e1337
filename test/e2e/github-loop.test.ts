/**
 * The pull-request loop end to end: the built CLI in a real git repository,
 * talking to test-utils' fake GitHub (a real HTTP server that checks every
 * request against GitHub's OpenAPI description; `problems` must stay empty).
 * The CLI runs asynchronously (`startStackfleet`): the server lives in this
 * process and must keep answering while the CLI waits for it.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGithub, startPostgres, type FakeGithubServer, type FakeGithubState, type PostgresServer } from '@stackfleet/test-utils';
import { git, makeTempDir, pushSeedToOrigin, startStackfleet, type CliResult } from '../support/cli.js';

const SECRET = 'hunter2-very-secret-value';
let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups) await cleanup();
  cleanups = [];
});


interface FleetRepo {
  dir: string;
  base: string;
  head: string;
}

/**
 * A repository with command stacks `network` and `app` (app depends on
 * network), committed on main (`base`), then a feature commit (`head`) that
 * touches only app. Plans print `plan:` lines; `PLAN_EXIT` (env) says whether
 * the plan has changes. Built once per set of options and copied for each
 * test (same commits, same shas): most tests start from the same fleet.
 */
function createFleetRepo(options: { appPlan?: string; manifestDir?: string } = {}): FleetRepo {
  const key = JSON.stringify(options);
  let template = fleetTemplates.get(key);
  if (template === undefined) {
    template = buildFleetRepo(options);
    fleetTemplates.set(key, template);
  }
  const { dir, cleanup } = makeTempDir('stackfleet-gh-');
  cleanups.push(cleanup);
  cpSync(template.dir, dir, { recursive: true });
  return { ...template, dir };
}

const fleetTemplates = new Map<string, FleetRepo>();
afterAll(() => {
  for (const template of fleetTemplates.values()) rmSync(template.dir, { recursive: true, force: true });
});

function buildFleetRepo(options: { appPlan?: string; manifestDir?: string }): FleetRepo {
  const { dir } = makeTempDir('stackfleet-gh-template-');
  const fleetDir = join(dir, options.manifestDir ?? '');
  for (const stack of ['network', 'app']) mkdirSync(join(fleetDir, stack), { recursive: true });
  writeFileSync(join(fleetDir, 'network', 'main.sh'), 'echo network\n');
  writeFileSync(join(fleetDir, 'app', 'main.sh'), 'echo app v1\n');
  const appPlan = options.appPlan ?? 'echo "plan: would change app (password $DB_PASSWORD)"; exit ${PLAN_EXIT:-2}';
  writeFileSync(
    join(fleetDir, 'stacks.yaml'),
    [
      'version: 1',
      'contexts:',
      '  db:',
      '    attachTo: { labels: ["*"] }',
      '    secrets: { DB_PASSWORD: { fromEnv: TEST_DB_PASSWORD } }',
      'stacks:',
      '  network:',
      '    runner: command',
      '    path: network',
      '    commands: { plan: "echo plan: network unchanged; exit 0", apply: "echo applied network" }',
      '  app:',
      '    runner: command',
      '    path: app',
      '    dependsOn: [network]',
      `    commands: { plan: ${JSON.stringify(appPlan)}, apply: "echo applied app with $DB_PASSWORD" }`,
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, '.gitignore'), '.stackfleet/\n');
  git(dir, '-c', 'init.defaultBranch=main', 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'base');
  const base = git(dir, 'rev-parse', 'HEAD');
  git(dir, 'checkout', '-qb', 'feature');
  writeFileSync(join(fleetDir, 'app', 'main.sh'), 'echo app v2\n');
  git(dir, 'commit', '-qam', 'change app');
  return { dir, base, head: git(dir, 'rev-parse', 'HEAD') };
}

async function startGithub(initial: Partial<FakeGithubState> = {}): Promise<FakeGithubServer> {
  const github = await startFakeGithub(initial);
  cleanups.push(() => github.close());
  return github;
}

/** The Actions environment for one event; the payload is written to a file like GitHub does. */
function actionsEnv(github: FakeGithubServer, repo: FleetRepo, eventName: string, payload: unknown, extra: Record<string, string> = {}): Record<string, string> {
  const eventPath = join(repo.dir, '..', `${repo.dir.split('/').pop()}-event.json`);
  writeFileSync(eventPath, JSON.stringify(payload));
  cleanups.push(() => spawnSync('rm', ['-f', eventPath, `${eventPath}.summary`, `${eventPath}.output`]) && undefined);
  return {
    GITHUB_TOKEN: github.state.token,
    GH_TOKEN: '',
    GITHUB_API_URL: github.url,
    GITHUB_SERVER_URL: 'https://github.test',
    GITHUB_REPOSITORY: 'acme/infra',
    GITHUB_EVENT_NAME: eventName,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_SHA: 'f'.repeat(40),
    GITHUB_RUN_ID: '42',
    GITHUB_ACTOR: 'alice',
    GITHUB_STEP_SUMMARY: `${eventPath}.summary`,
    GITHUB_OUTPUT: `${eventPath}.output`,
    TEST_DB_PASSWORD: SECRET,
    // The fake server needs none of GitHub's 1-3 s spacing between writes (rate-limit retries stay real).
    STACKFLEET_GITHUB_MIN_WRITE_INTERVAL_MS: '0',
    ...extra,
  };
}

function pullRequestEvent(repo: FleetRepo, number = 7): unknown {
  return { action: 'synchronize', number, pull_request: { number, base: { sha: repo.base }, head: { sha: repo.head }, user: { login: 'alice' } } };
}

async function stackfleet(args: string[], cwd: string, env: Record<string, string>): Promise<CliResult> {
  return startStackfleet(args, { cwd, env }).done;
}

function expectNoSecretSent(github: FakeGithubServer): void {
  expect(github.requests.length).toBeGreaterThan(0);
  for (const request of github.requests) expect(request.text).not.toContain(SECRET);
}

describe('plan --github on a pull_request event', () => {
  it('creates one sticky comment, updates it on the next push, sets a neutral check on the PR head, and writes the step summary and outputs', async () => {
    const repo = createFleetRepo();
    // main moved on after the branch point: the PR's diff is three-dot, so network's change on main is not the PR's.
    git(repo.dir, 'checkout', '-q', 'main');
    writeFileSync(join(repo.dir, 'network', 'main.sh'), 'echo network v2\n');
    git(repo.dir, 'commit', '-qam', 'network on main');
    repo.base = git(repo.dir, 'rev-parse', 'HEAD');
    git(repo.dir, 'checkout', '-q', 'feature');
    const github = await startGithub({ pulls: [{ number: 7, author: 'alice', headSha: repo.head, baseSha: repo.base }] });
    const env = actionsEnv(github, repo, 'pull_request', pullRequestEvent(repo));

    const first = await stackfleet(['plan', '--github', '--affected'], repo.dir, env);
    expect(first.stderr).not.toContain('warning');
    expect(first.code).toBe(0);
    // The three-dot diff touched only app; network is not in the run.
    expect(github.state.comments).toHaveLength(1);
    const body = github.state.comments[0]!.body;
    expect(body).toContain('<!-- stackfleet:plan:stacks.yaml -->');
    expect(body).toContain('| `app` |');
    expect(body).not.toContain('| `network` |');
    expect(body).toContain('plan: would change app (password ***)');
    const [check] = github.state.checkRuns;
    expect(check).toMatchObject({ name: 'stackfleet/plan', head_sha: repo.head, status: 'completed', conclusion: 'neutral' });
    expect(readFileSync(env.GITHUB_OUTPUT!, 'utf8')).toBe('affected=["app"]\nchanges=true\n');
    expect(readFileSync(env.GITHUB_STEP_SUMMARY!, 'utf8')).toContain('| `app` |');
    expect(first.stdout).toMatch(/::group::app\napp +\| plan: would change app \(password \*\*\*\)\n::endgroup::/);

    const second = await stackfleet(['plan', '--github', '--affected'], repo.dir, { ...env, PLAN_EXIT: '0' });
    expect(second.code).toBe(0);
    expect(github.state.comments).toHaveLength(1);
    expect(github.state.comments[0]!.body).not.toBe(body);
    expect(github.requests.filter((request) => request.operationId === 'issues/update-comment')).toHaveLength(1);
    expect(github.state.checkRuns.map((run) => run.conclusion)).toEqual(['neutral', 'success']);
    expect(github.requests.some((request) => request.path === '/user')).toBe(false);
    expectNoSecretSent(github);
    expect(github.problems).toEqual([]);
  });

  it('says so when the pull request affects no stack, and the check succeeds', async () => {
    const repo = createFleetRepo();
    writeFileSync(join(repo.dir, 'README.md'), 'docs only\n');
    git(repo.dir, 'add', '-A');
    git(repo.dir, 'commit', '-qm', 'docs');
    const docsOnly = { ...repo, base: repo.head, head: git(repo.dir, 'rev-parse', 'HEAD') };
    const github = await startGithub({ pulls: [{ number: 8, author: 'alice', headSha: docsOnly.head, baseSha: docsOnly.base }] });
    const env = actionsEnv(github, docsOnly, 'pull_request', pullRequestEvent(docsOnly, 8));
    const result = await stackfleet(['plan', '--github', '--affected'], repo.dir, env);
    expect(result.code, result.stderr).toBe(0);
    expect(github.state.comments[0]!.body).toContain('No stacks are affected by this change.');
    expect(github.state.checkRuns).toMatchObject([{ name: 'stackfleet/plan', conclusion: 'success' }]);
    expect(readFileSync(env.GITHUB_OUTPUT!, 'utf8')).toBe('affected=[]\nchanges=false\n');
    expect(github.problems).toEqual([]);
  });

  it('keeps two comments for two fleets in one repository', async () => {
    const repo = createFleetRepo({ manifestDir: 'one' });
    // A second fleet beside the first, committed on the feature branch.
    for (const stack of ['network', 'app']) mkdirSync(join(repo.dir, 'two', stack), { recursive: true });
    writeFileSync(join(repo.dir, 'two', 'stacks.yaml'), readFileSync(join(repo.dir, 'one', 'stacks.yaml'), 'utf8'));
    writeFileSync(join(repo.dir, 'two', 'app', 'main.sh'), 'echo two\n');
    writeFileSync(join(repo.dir, 'two', 'network', 'main.sh'), 'echo two\n');
    git(repo.dir, 'add', '-A');
    git(repo.dir, 'commit', '-qm', 'second fleet');
    repo.head = git(repo.dir, 'rev-parse', 'HEAD');
    const github = await startGithub({ pulls: [{ number: 7, author: 'alice', headSha: repo.head, baseSha: repo.base }] });
    const env = actionsEnv(github, repo, 'pull_request', pullRequestEvent(repo));
    for (const fleet of ['one', 'two', 'one']) {
      expect((await stackfleet(['plan', '--github', '--affected', '-f', `${fleet}/stacks.yaml`], repo.dir, env)).code).toBe(0);
    }
    expect(github.state.comments.map((comment) => comment.body.split('\n')[0])).toEqual([
      '<!-- stackfleet:plan:one/stacks.yaml -->',
      '<!-- stackfleet:plan:two/stacks.yaml -->',
    ]);
    expect(github.problems).toEqual([]);
  });

  it('trims 70,000 characters of plan output to GitHub\'s limit, with a note, and masks the secret everywhere', async () => {
    const repo = createFleetRepo({ appPlan: 'i=0; while [ $i -lt 1200 ]; do echo "  + resource line $i of a very long plan $DB_PASSWORD padding padding"; i=$((i+1)); done; exit 2' });
    const github = await startGithub({ pulls: [{ number: 7, author: 'alice', headSha: repo.head, baseSha: repo.base }] });
    const env = actionsEnv(github, repo, 'pull_request', pullRequestEvent(repo));
    const result = await stackfleet(['plan', '--github', '--affected'], repo.dir, env);
    expect(result.code).toBe(0);
    const body = github.state.comments[0]!.body;
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body).toContain("plan of `app` trimmed to fit GitHub's comment limit: see the [full output](https://github.test/acme/infra/actions/runs/42)");
    expect(body).toContain('resource line 0 of a very long plan ***');
    expectNoSecretSent(github);
    expect(github.problems).toEqual([]);
  });

  it('fails the check for a failed stack, and counts approvals from current reviews only (stale and self ignored)', async () => {
    const repo = createFleetRepo({ appPlan: 'echo broken >&2; exit 1' });
    const github = await startGithub({
      pulls: [
        {
          number: 7,
          author: 'alice',
          headSha: repo.head,
          baseSha: repo.base,
          reviews: [
            { id: 1, user: 'bob', state: 'APPROVED', commit_id: repo.head, submitted_at: '2026-01-01T10:00:00Z' },
            { id: 2, user: 'carol', state: 'APPROVED', commit_id: repo.base, submitted_at: '2026-01-01T10:00:00Z' },
            { id: 3, user: 'alice', state: 'APPROVED', commit_id: repo.head, submitted_at: '2026-01-01T10:00:00Z' },
          ],
        },
      ],
    });
    const env = actionsEnv(github, repo, 'pull_request', pullRequestEvent(repo));
    const result = await stackfleet(['plan', '--github', '--affected', '--github-checks', 'per-stack'], repo.dir, env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('approvals from the reviews of #7');
    expect(result.stderr).toMatch(/not the author's\): bob\n/);
    expect(github.state.checkRuns.map((run) => [run.name, run.conclusion])).toEqual([
      ['stackfleet/plan', 'failure'],
      ['stackfleet/plan: app', 'failure'],
    ]);
    expect(github.problems).toEqual([]);
  });

  it("gives approvals and the actor the GitHub teams the policies mention, read through the API", async () => {
    const repo = createFleetRepo();
    mkdirSync(join(repo.dir, 'policies'));
    writeFileSync(
      join(repo.dir, 'policies', 'teams.policy.yaml'),
      [
        'kind: plan',
        'rules:',
        '  - name: platform-approves',
        '    effect: require_approval',
        '    when: input.stack.name == "app"',
        '    approvers: ["team:platform"]',
        '  - name: reviewed-by-sre',
        '    effect: warn',
        '    when: input.approvals.exists(a, "sre" in a.teams)',
        `    message: 'input.approvals.map(a, a.by + ":" + a.teams.join("+")).join(",") + " actor:" + input.run.actor.teams.join("+")'`,
        '',
      ].join('\n'),
    );
    writeFileSync(join(repo.dir, 'stacks.yaml'), `${readFileSync(join(repo.dir, 'stacks.yaml'), 'utf8')}policies:\n  - file: policies/teams.policy.yaml\n`);
    git(repo.dir, 'add', '-A');
    git(repo.dir, 'commit', '-qm', 'team policy');
    repo.head = git(repo.dir, 'rev-parse', 'HEAD');
    const review = { id: 1, user: 'bob', state: 'APPROVED' as const, commit_id: repo.head, submitted_at: '2026-01-01T10:00:00Z' };
    const github = await startGithub({
      pulls: [{ number: 7, author: 'alice', headSha: repo.head, baseSha: repo.base, reviews: [review] }],
      teams: { 'acme/platform': ['bob'], 'acme/sre': ['bob', 'alice'], 'acme/unmentioned': ['alice', 'bob'] },
    });
    const env = actionsEnv(github, repo, 'pull_request', pullRequestEvent(repo));
    const approved = await stackfleet(['plan', '--github', '--affected'], repo.dir, env);
    expect(approved.stderr).not.toContain('warning');
    expect(approved.code).toBe(0);
    expect(github.state.comments[0]!.body).toContain('bob:platform+sre actor:sre');
    // bob's review satisfies the approval the policy asks for: the check is the plan's own (changes: neutral), not action_required.
    expect(github.state.comments[0]!.body).toContain('✅ approved by `bob`: ');
    expect(github.state.checkRuns).toMatchObject([{ name: 'stackfleet/plan', conclusion: 'neutral' }]);
    const asked = github.requests.filter((request) => request.operationId === 'teams/get-membership-for-user-in-org').map((request) => request.path);
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.every((path) => /\/orgs\/acme\/teams\/(platform|sre)\/memberships\/(alice|bob)$/.test(path))).toBe(true);
    const runId = /saved plan: run (\S+)/.exec(approved.stdout)?.[1];
    expect(runId).toBeDefined();

    // Out of the team, bob's approval no longer counts for `team:platform`: the apply waits.
    github.state.teams['acme/platform'] = [];
    const waiting = await stackfleet(['apply', '--from-plan', runId!, '--github'], repo.dir, env);
    expect(waiting.code, waiting.stderr).toBe(3);
    expect(github.state.comments[0]!.body).toContain('awaiting_approval');
    // Back in it, the same review lets the saved plan apply.
    github.state.teams['acme/platform'] = ['bob'];
    const applied = await stackfleet(['apply', '--from-plan', runId!, '--github'], repo.dir, env);
    expect(applied.stderr).not.toContain('warning');
    expect(applied.code, applied.stderr).toBe(0);
    // `apply --from-plan RUN --github` reports like any apply: the sticky comment, and stackfleet/apply on the PR's head.
    expect(github.state.comments).toHaveLength(1);
    expect(github.state.comments[0]!.body).toContain('### stackfleet apply');
    expect(github.state.checkRuns.filter((run) => run.name === 'stackfleet/apply')).toMatchObject([
      { head_sha: repo.head, conclusion: 'action_required' },
      { head_sha: repo.head, conclusion: 'success' },
    ]);
    expect(github.problems).toEqual([]);
  });

  it('apply --from-plan --github counts a review given after the plan for a run policy that asked for an approval', async () => {
    const repo = createFleetRepo();
    mkdirSync(join(repo.dir, 'policies'));
    writeFileSync(
      join(repo.dir, 'policies', 'sign-off.policy.yaml'),
      ['kind: run', 'rules:', '  - name: sign-off', '    effect: require_approval', '    when: input.stacks.exists(s, s.changes.total > 0.0)', `    message: '"every change needs a sign-off"'`, ''].join('\n'),
    );
    writeFileSync(join(repo.dir, 'stacks.yaml'), `${readFileSync(join(repo.dir, 'stacks.yaml'), 'utf8')}policies:\n  - file: policies/sign-off.policy.yaml\n`);
    git(repo.dir, 'add', '-A');
    git(repo.dir, 'commit', '-qm', 'run policy');
    repo.head = git(repo.dir, 'rev-parse', 'HEAD');
    const github = await startGithub({ pulls: [{ number: 7, author: 'alice', headSha: repo.head, baseSha: repo.base }] });
    const env = actionsEnv(github, repo, 'pull_request', pullRequestEvent(repo));
    const plan = await stackfleet(['plan', '--github', '--affected'], repo.dir, env);
    expect(plan.code, plan.stderr).toBe(0);
    const runId = /saved plan: run (\S+)/.exec(plan.stdout)?.[1];
    expect(runId, plan.stdout + plan.stderr).toBeDefined();
    const waiting = await stackfleet(['apply', '--from-plan', runId!, '--github'], repo.dir, env);
    expect(waiting.code, waiting.stderr).toBe(3);
    expect(waiting.stderr).toContain(`run policies require an approval of run ${runId} as a whole: every change needs a sign-off (sign-off/sign-off)`);
    // Reviewed on the pull request after the plan: the apply counts it, as the plan run's check would have.
    github.state.pulls[0]!.reviews = [{ id: 1, user: 'bob', state: 'APPROVED', commit_id: repo.head, submitted_at: '2026-01-01T10:00:00Z' }];
    const applied = await stackfleet(['apply', '--from-plan', runId!, '--github'], repo.dir, env);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stderr).toContain(`run policies of run ${runId} allow its plans now (approved by bob)`);
    expect(github.problems).toEqual([]);
  });

  it('retries a 403 secondary rate limit after retry-after, and an API failure only warns (exit code unchanged)', async () => {
    const repo = createFleetRepo();
    const github = await startGithub({
      pulls: [{ number: 7, author: 'alice', headSha: repo.head, baseSha: repo.base }],
      failures: [
        { operationId: 'issues/create-comment', status: 403, headers: { 'retry-after': '1' }, message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', times: 1 },
        { operationId: 'checks/update', status: 422, message: 'Unprocessable: nope', times: 1 },
      ],
    });
    const env = actionsEnv(github, repo, 'pull_request', pullRequestEvent(repo));
    const result = await stackfleet(['plan', '--github', '--affected', '--detailed-exitcode'], repo.dir, env);
    expect(result.stderr).toContain('GitHub secondary rate limit reached; retrying in 1s');
    expect(result.stderr).toContain('warning: could not complete the check run stackfleet/plan: ');
    expect(result.stderr).toContain('Unprocessable: nope');
    expect(result.code).toBe(2);
    expect(github.state.comments).toHaveLength(1);
    expect(github.requests.filter((request) => request.operationId === 'issues/create-comment')).toHaveLength(2);

    github.state.failures.push({ operationId: 'issues/update-comment', status: 403, message: 'Resource not accessible by integration', times: 1 });
    const refused = await stackfleet(['plan', '--github', '--affected', '--detailed-exitcode'], repo.dir, env);
    expect(refused.stderr).toContain('warning: could not post the comment: 403 Resource not accessible by integration');
    expect(refused.code).toBe(2);
    expect(github.problems).toEqual([]);
  });

  it('a missing token or event file is exit 1 naming the variable', async () => {
    const repo = createFleetRepo();
    const github = await startGithub({ pulls: [{ number: 7, author: 'alice', headSha: repo.head, baseSha: repo.base }] });
    const env = actionsEnv(github, repo, 'pull_request', pullRequestEvent(repo));
    const noToken = await stackfleet(['plan', '--github', '--affected'], repo.dir, { ...env, GITHUB_TOKEN: '', GH_TOKEN: '' });
    expect(noToken.code).toBe(1);
    expect(noToken.stderr).toContain('--github needs GITHUB_TOKEN');
    const named = await stackfleet(['plan', '--github', '--github-token-env', 'MY_TOKEN'], repo.dir, env);
    expect(named.code).toBe(1);
    expect(named.stderr).toContain('--github needs MY_TOKEN');
    const ghToken = await stackfleet(['plan', '--github', '--affected'], repo.dir, { ...env, GITHUB_TOKEN: '', GH_TOKEN: github.state.token });
    expect(ghToken.code).toBe(0);
    expect(github.state.comments).toHaveLength(1);
    const noEvent = await stackfleet(['plan', '--github'], repo.dir, { ...env, GITHUB_EVENT_PATH: '' });
    expect(noEvent.code).toBe(1);
    expect(noEvent.stderr).toContain('--github needs GITHUB_EVENT_PATH');
    expect(github.problems).toEqual([]);
  });
});

describe('plan --github with a terraform stack', () => {
  it("shows terraform's own rendering of the plan in the comment, with the sensitive variable masked", async () => {
    const { dir, cleanup } = makeTempDir('stackfleet-gh-tf-');
    cleanups.push(cleanup);
    mkdirSync(join(dir, 'db'));
    writeFileSync(join(dir, 'stacks.yaml'), 'version: 1\ncontexts:\n  db:\n    attachTo: { labels: ["*"] }\n    secrets: { TF_VAR_password: { fromEnv: TEST_DB_PASSWORD } }\nstacks:\n  db: { path: db }\n');
    writeFileSync(join(dir, '.gitignore'), '.stackfleet/\n.terraform/\n*.tfstate*\n.terraform.lock.hcl\n');
    writeFileSync(join(dir, 'db', 'main.tf'), 'resource "terraform_data" "db" {\n  input = "v1"\n}\n');
    git(dir, '-c', 'init.defaultBranch=main', 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'base');
    const base = git(dir, 'rev-parse', 'HEAD');
    writeFileSync(join(dir, 'db', 'main.tf'), 'variable "password" {\n  type = string\n}\nresource "terraform_data" "db" {\n  input = "v2-${var.password}"\n}\n');
    git(dir, 'commit', '-qam', 'change db');
    const repo = { dir, base, head: git(dir, 'rev-parse', 'HEAD') };
    const github = await startGithub({ pulls: [{ number: 7, author: 'alice', headSha: repo.head, baseSha: repo.base }] });
    const result = await stackfleet(['plan', '--github', '--affected'], dir, actionsEnv(github, repo, 'pull_request', pullRequestEvent(repo)));
    expect(result.code, result.stderr).toBe(0);
    const body = github.state.comments[0]!.body;
    expect(body).toContain('| `db` | - | 📝 changed | +1 ~0 -0 |');
    expect(body).toContain('# terraform_data.db will be created');
    expect(body).toContain('Plan: 1 to add, 0 to change, 0 to destroy.');
    expect(body).toContain('+ input  = "v2-***"');
    expect(github.state.checkRuns).toMatchObject([{ name: 'stackfleet/plan', conclusion: 'neutral' }]);
    expectNoSecretSent(github);
    expect(github.problems).toEqual([]);
  });
});

describe('apply --github on a push to the default branch', () => {
  it('applies before..after, comments on the merged pull request and completes stackfleet/apply on the pushed commit', async () => {
    const repo = createFleetRepo();
    git(repo.dir, 'checkout', '-q', 'main');
    git(repo.dir, 'merge', '-q', '--no-ff', '-m', 'Merge pull request #7', 'feature');
    const after = git(repo.dir, 'rev-parse', 'HEAD');
    const github = await startGithub({
      pulls: [{ number: 7, author: 'alice', headSha: repo.head, baseSha: repo.base, merged: true, state: 'closed', mergeCommitSha: after }],
    });
    const env = actionsEnv(github, repo, 'push', { ref: 'refs/heads/main', before: repo.base, after }, { GITHUB_SHA: after });
    const result = await stackfleet(['apply', '--github', '--affected', '--auto-approve'], repo.dir, env);
    expect(result.stderr).not.toContain('warning');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('applied app with ***');
    expect(github.state.comments).toHaveLength(1);
    expect(github.state.comments[0]).toMatchObject({ issueNumber: 7 });
    expect(github.state.comments[0]!.body).toContain('<!-- stackfleet:apply:stacks.yaml -->');
    expect(github.state.comments[0]!.body).toContain('| `app` |');
    expect(github.state.checkRuns).toMatchObject([{ name: 'stackfleet/apply', head_sha: after, conclusion: 'success' }]);
    expectNoSecretSent(github);

    // A new branch (all-zero before): each stack against the commit it was last applied at.
    const again = await stackfleet(['apply', '--github', '--affected', '--auto-approve'], repo.dir, actionsEnv(github, repo, 'push', { ref: 'refs/heads/main', before: '0'.repeat(40), after }, { GITHUB_SHA: after }));
    expect(again.code).toBe(0);
    // network was never applied (the PR did not touch it); app was applied at `after`, so only
    // network is affected, and app joins as its dependent (unchanged: network's outputs did not change).
    expect(again.stderr).toContain('a new branch): 1 stack(s) changed since they were last applied');
    expect(github.state.comments[1]!.body).toContain('| `network` | - | ➖ unchanged (plan has no changes)');
    expect(github.state.comments[1]!.body).toContain('| `app` | - | ➖ unchanged (outputs of network unchanged)');
    expect(github.problems).toEqual([]);
  });
  it('plans every stack first when policies judge the push: a run policy deny applies nothing and fails stackfleet/apply', async () => {
    const repo = createFleetRepo();
    git(repo.dir, 'checkout', '-q', 'main');
    git(repo.dir, 'merge', '-q', '--no-ff', '-m', 'Merge pull request #7', 'feature');
    mkdirSync(join(repo.dir, 'policies'), { recursive: true });
    writeFileSync(
      join(repo.dir, 'policies', 'freeze.policy.yaml'),
      ['kind: run', 'rules:', '  - name: freeze', '    effect: deny', '    when: input.stacks.exists(s, s.stack.name == "app" && s.changes.total > 0.0)', '    message: \'"app is frozen"\'', ''].join('\n'),
    );
    writeFileSync(join(repo.dir, 'stacks.yaml'), `${readFileSync(join(repo.dir, 'stacks.yaml'), 'utf8')}policies:\n  - file: policies/freeze.policy.yaml\n`);
    git(repo.dir, 'add', '-A');
    git(repo.dir, 'commit', '-qm', 'freeze app');
    const after = git(repo.dir, 'rev-parse', 'HEAD');
    const github = await startGithub();
    const env = actionsEnv(github, repo, 'push', { ref: 'refs/heads/main', before: repo.base, after }, { GITHUB_SHA: after });
    const result = await stackfleet(['apply', '--github', '--affected', '--auto-approve'], repo.dir, env);
    expect(result.code).toBe(3);
    expect(result.stdout).not.toContain('applied');
    expect(github.state.checkRuns).toMatchObject([{ name: 'stackfleet/apply', head_sha: after, conclusion: 'failure' }]);
    const summary = readFileSync(env['GITHUB_STEP_SUMMARY']!, 'utf8');
    expect(summary).toContain('Run policies: ');
    expect(summary).toContain('app is frozen');
    expectNoSecretSent(github);
    expect(github.problems).toEqual([]);
  });
});

describe('stackfleet github comment', () => {
  function commentEvent(repo: FleetRepo, user: string, body: string): unknown {
    return { action: 'created', comment: { id: 555, body, user: { login: user } }, issue: { number: 7, pull_request: { url: 'x' } } };
  }
  const seeded = (user: string, body: string) => ({ id: 555, issueNumber: 7, body, user, created_at: '', updated_at: '', reactions: [] });

  const stickyPlan = '<!-- stackfleet:plan:stacks.yaml -->\n### stackfleet plan · `stacks.yaml` · abc1234\n\n| `app` | - | changed | +1 | |\n';
  const seededPlan = { ...seeded('github-actions[bot]', stickyPlan), id: 556 };

  it('refuses a read-only user (👀 then 👎), answers above the plan in the sticky comment, and runs nothing', async () => {
    const repo = createFleetRepo();
    const github = await startGithub({
      pulls: [{ number: 7, author: 'alice', headSha: repo.head, baseSha: repo.base }],
      permissions: { mallory: 'read' },
      comments: [seeded('mallory', '/stackfleet apply'), seededPlan],
    });
    const env = actionsEnv(github, repo, 'issue_comment', commentEvent(repo, 'mallory', '/stackfleet apply'));
    const result = await stackfleet(['github', 'comment'], repo.dir, env);
    expect(result.code).toBe(1);
    const refusal = '@mallory may not run /stackfleet apply: it needs write permission to acme/infra';
    expect(result.stderr).toContain(refusal);
    expect(github.state.comments).toHaveLength(2);
    expect(github.state.comments[0]!.reactions).toEqual(['eyes', '-1']);
    const sticky = github.state.comments[1]!.body;
    expect(sticky).toContain(`> ❌ ${refusal}`);
    expect(sticky.endsWith(stickyPlan.slice(stickyPlan.indexOf('\n') + 1))).toBe(true);
    // Nothing but the permission was read: no pull request, no check run, no plan.
    expect(github.requests.map((request) => request.operationId)).not.toContain('pulls/get');
    expect(github.state.checkRuns).toEqual([]);
    expect(existsSync(join(repo.dir, '.stackfleet'))).toBe(false);
    expect(github.problems).toEqual([]);
  });

  it('answers "not mergeable" and "checkout not at the head" in the sticky comment, above the plan (👎, exit 1)', async () => {
    const repo = createFleetRepo();
    const github = await startGithub({
      pulls: [{ number: 7, author: 'alice', headSha: repo.head, baseSha: repo.base, mergeable: false }],
      permissions: { alice: 'write' },
      comments: [seeded('alice', '/stackfleet apply'), seededPlan],
    });
    const comment = (body: string) => {
      github.state.comments[0]!.body = body;
      return stackfleet(['github', 'comment'], repo.dir, actionsEnv(github, repo, 'issue_comment', commentEvent(repo, 'alice', body)));
    };
    const unmergeable = await comment('/stackfleet apply');
    expect(unmergeable.code).toBe(1);
    expect(github.state.comments[1]!.body).toContain('> ❌ pull request #7 is not mergeable\n');

    git(repo.dir, 'checkout', '-q', 'main');
    const offHead = await comment('/stackfleet plan');
    expect(offHead.code).toBe(1);
    const refusal = `the checkout is at ${repo.base.slice(0, 7)}, not at the pull request's head ${repo.head.slice(0, 7)}`;
    expect(offHead.stderr).toContain(`error: ${refusal}`);
    const sticky = github.state.comments[1]!.body;
    expect(sticky).toContain(`> ❌ ${refusal}`);
    expect(sticky).not.toContain('not mergeable');
    expect(sticky.endsWith(stickyPlan.slice(stickyPlan.indexOf('\n') + 1))).toBe(true);
    expect(github.state.comments).toHaveLength(2);
    expect(github.state.comments[0]!.reactions).toEqual(['eyes', '-1', 'eyes', '-1']);
    expect(github.state.checkRuns).toEqual([]);
    expect(github.problems).toEqual([]);
  });

  it('plans for a writer and answers in the sticky comment; apply needs an approval', async () => {
    const repo = createFleetRepo();
    const github = await startGithub({
      pulls: [{ number: 7, author: 'alice', headSha: repo.head, baseSha: repo.base, mergeable: true }],
      permissions: { alice: 'write' },
      comments: [seeded('alice', '/stackfleet plan --stack app')],
    });
    const env = actionsEnv(github, repo, 'issue_comment', commentEvent(repo, 'alice', '/stackfleet plan --stack app'));
    const plan = await stackfleet(['github', 'comment'], repo.dir, env);
    expect(plan.code).toBe(0);
    expect(github.state.comments).toHaveLength(2);
    expect(github.state.comments[1]!.body).toContain('<!-- stackfleet:plan:stacks.yaml -->');
    expect(github.state.comments[0]!.reactions).toEqual(['eyes', '+1']);
    expect(github.state.checkRuns).toMatchObject([{ name: 'stackfleet/plan', head_sha: repo.head, conclusion: 'neutral' }]);

    github.state.comments[0]!.body = '/stackfleet apply';
    const unapproved = await stackfleet(['github', 'comment'], repo.dir, actionsEnv(github, repo, 'issue_comment', commentEvent(repo, 'alice', '/stackfleet apply')));
    expect(unapproved.code).toBe(1);
    expect(unapproved.stderr).toContain(`pull request #7 has no approval on its head commit ${repo.head.slice(0, 7)}`);
    expect(github.state.comments[1]!.body).toContain(`> ❌ pull request #7 has no approval on its head commit ${repo.head.slice(0, 7)}`);
    expect(github.state.comments[1]!.body).toContain('<!-- stackfleet:plan:stacks.yaml -->');

    github.state.pulls[0]!.reviews = [{ id: 1, user: 'bob', state: 'APPROVED', commit_id: repo.head, submitted_at: '2026-01-01T10:00:00Z' }];
    const apply = await stackfleet(['github', 'comment'], repo.dir, actionsEnv(github, repo, 'issue_comment', commentEvent(repo, 'alice', '/stackfleet apply')));
    expect(apply.stderr).not.toContain('warning');
    expect(apply.code).toBe(0);
    expect(github.state.comments).toHaveLength(2);
    expect(github.state.comments[1]!.body).toContain('### stackfleet apply');
    expect(github.state.comments[1]!.body).not.toContain('stackfleet:answer');
    expect(github.state.comments[0]!.reactions).toEqual(['eyes', '+1', 'eyes', '-1', 'eyes', '+1']);
    expectNoSecretSent(github);
    expect(github.problems).toEqual([]);
  });

  it("applies the PR's saved plan without planning again; refuses with no saved plan and after a new commit (stale)", async () => {
    const { dir: countDir, cleanup } = makeTempDir('stackfleet-gh-count-');
    cleanups.push(cleanup);
    const countFile = join(countDir, 'plans');
    const repo = createFleetRepo({ appPlan: `echo planned >> ${countFile}; echo "plan: would change app"; exit 2` });
    const plans = (): number => readFileSync(countFile, 'utf8').split('\n').filter(Boolean).length;
    const approve = (sha: string) => [{ id: 1, user: 'bob', state: 'APPROVED' as const, commit_id: sha, submitted_at: '2026-01-01T10:00:00Z' }];
    const github = await startGithub({
      pulls: [{ number: 7, author: 'alice', headSha: repo.head, baseSha: repo.base, mergeable: true, reviews: approve(repo.head) }],
      permissions: { alice: 'write' },
      comments: [seeded('alice', '/stackfleet apply')],
    });
    const applyComment = () => stackfleet(['github', 'comment'], repo.dir, actionsEnv(github, repo, 'issue_comment', commentEvent(repo, 'alice', '/stackfleet apply')));

    const none = await applyComment();
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no saved plan for pull request #7: comment `/stackfleet plan` to plan again');
    expect(github.state.comments).toHaveLength(2);
    expect(github.state.comments[1]!.body).toContain('❌ no saved plan for pull request #7');

    const plan = await stackfleet(['plan', '--github', '--affected'], repo.dir, actionsEnv(github, repo, 'pull_request', pullRequestEvent(repo)));
    expect(plan.code).toBe(0);
    const runId = /saved plan: run (\S+)/.exec(plan.stdout)?.[1];
    expect(runId).toBeDefined();
    expect(plans()).toBe(1);
    expect(github.state.comments).toHaveLength(2);
    expect(github.state.comments[1]!.body).toContain(`Plans saved as run \`${runId}\``);
    expect(github.state.checkRuns.find((run) => run.name === 'stackfleet/plan')?.output?.summary).toContain(`Plans saved as run \`${runId}\``);

    const apply = await applyComment();
    expect(apply.stderr).not.toContain('warning');
    expect(apply.code).toBe(0);
    expect(plans()).toBe(1);
    expect(github.state.comments).toHaveLength(2);
    expect(github.state.comments[1]!.body).toContain('### stackfleet apply');
    expect(github.state.comments[1]!.body).toContain("| `app` | - | ✅ succeeded |");
    expect(github.state.checkRuns.find((run) => run.name === 'stackfleet/apply')).toMatchObject({ head_sha: repo.head, conclusion: 'success' });

    // A new commit: the PR is approved again, but the saved plan is of the old head.
    writeFileSync(join(repo.dir, 'app', 'main.sh'), 'echo app v3\n');
    git(repo.dir, 'commit', '-qam', 'app v3');
    const moved = git(repo.dir, 'rev-parse', 'HEAD');
    Object.assign(github.state.pulls[0]!, { headSha: moved, reviews: approve(moved) });
    const stale = await applyComment();
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain(`stale: the latest plan of pull request #7 (run ${runId}) is for commit ${repo.head.slice(0, 7)}, the head is now ${moved.slice(0, 7)}`);
    expect(github.state.comments[1]!.body).toContain('comment `/stackfleet plan` to plan again');
    expect(plans()).toBe(1);
    expect(github.state.comments[0]!.reactions).toEqual(['eyes', '-1', 'eyes', '+1', 'eyes', '-1']);
    expectNoSecretSent(github);
    expect(github.problems).toEqual([]);
  });
});

describe('drift --github', () => {
  it('opens one issue for the fleet, edits it on the next drifted sweep, closes it when clean', async () => {
    const repo = createFleetRepo({ appPlan: 'test -f ../drifted && exit 2; exit 0' });
    const github = await startGithub();
    const env = actionsEnv(github, repo, 'schedule', {});
    writeFileSync(join(repo.dir, 'drifted'), '');
    expect((await stackfleet(['drift', '--github'], repo.dir, env)).code).toBe(2);
    expect((await stackfleet(['drift', '--github'], repo.dir, env)).code).toBe(2);
    expect(github.state.issues).toHaveLength(1);
    expect(github.state.issues[0]).toMatchObject({ title: 'Drift detected: 1 stack(s)', state: 'open', labels: ['stackfleet-drift'] });
    expect(github.state.issues[0]!.body).toContain('<!-- stackfleet:drift:stacks.yaml -->');
    spawnSync('rm', [join(repo.dir, 'drifted')]);
    const clean = await stackfleet(['drift', '--github'], repo.dir, env);
    expect(clean.code).toBe(0);
    expect(github.state.issues[0]!.state).toBe('closed');
    expectNoSecretSent(github);
    expect(github.problems).toEqual([]);
  });
});

describe('comment-apply in another CI job than the plan (shared PostgreSQL store, real terraform)', () => {
  let postgres: PostgresServer;
  beforeAll(async () => {
    postgres = await startPostgres();
  }, 60_000);
  afterAll(async () => {
    await postgres?.stop();
  });

  it("restores the PR's saved terraform plan from the store (sealed there), applies it, and clears it", async () => {
    const url = await postgres.createDatabase('comment_apply');
    const { dir, cleanup } = makeTempDir('stackfleet-gh-jobs-');
    cleanups.push(cleanup);
    // The terraform state is shared too (a remote backend in real life): both jobs see the same state.
    const sharedState = join(dir, 'shared.tfstate');
    const seed = join(dir, 'seed');
    mkdirSync(join(seed, 'db'), { recursive: true });
    writeFileSync(
      join(seed, 'stacks.yaml'),
      [
        'version: 1',
        'settings:',
        '  state: { url: "${{ env.FLEET_DB }}" }',
        'contexts:',
        '  db:',
        '    attachTo: { labels: ["*"] }',
        '    secrets: { TF_VAR_password: { fromEnv: TEST_DB_PASSWORD } }',
        'stacks:',
        '  db: { path: db }',
        '',
      ].join('\n'),
    );
    const mainTf = (input: string) =>
      `terraform {\n  backend "local" {\n    path = ${JSON.stringify(sharedState)}\n  }\n}\nvariable "password" {\n  type = string\n}\nresource "terraform_data" "db" {\n  input = ${input}\n}\n`;
    writeFileSync(join(seed, 'db', 'main.tf'), mainTf('"v1"'));
    writeFileSync(join(seed, '.gitignore'), '.stackfleet/\n.terraform/\n.terraform.lock.hcl\n');
    const origin = join(dir, 'origin.git');
    pushSeedToOrigin(seed, origin);
    const base = git(seed, 'rev-parse', 'HEAD');
    git(seed, 'checkout', '-qb', 'feature');
    writeFileSync(join(seed, 'db', 'main.tf'), mainTf('"v2-${var.password}"'));
    git(seed, 'commit', '-qam', 'change db');
    git(seed, 'push', '-q', 'origin', 'feature');
    const head = git(seed, 'rev-parse', 'HEAD');
    // Two jobs, two runners: each its own checkout of the PR's head and its own state directory.
    const [planJob, applyJob] = ['plan-job', 'apply-job'].map((name) => {
      const checkout = join(dir, name);
      git(dir, 'clone', '-q', '--branch', 'feature', origin, checkout);
      return { dir: checkout, base, head };
    }) as [FleetRepo, FleetRepo];

    const github = await startGithub({
      pulls: [
        {
          number: 7, author: 'alice', headSha: head, baseSha: base, mergeable: true,
          reviews: [{ id: 1, user: 'bob', state: 'APPROVED', commit_id: head, submitted_at: '2026-01-01T10:00:00Z' }],
        },
      ],
      permissions: { alice: 'write' },
      comments: [{ id: 555, issueNumber: 7, body: '/stackfleet apply', user: 'alice', created_at: '', updated_at: '', reactions: [] }],
    });
    const shared = { FLEET_DB: url, STACKFLEET_STATE_KEY: 'd4'.repeat(32) };
    const plan = await stackfleet(['plan', '--github', '--affected'], planJob.dir, actionsEnv(github, planJob, 'pull_request', pullRequestEvent(planJob), shared));
    expect(plan.code, plan.stderr).toBe(0);
    const runId = /saved plan: run (\S+)/.exec(plan.stdout)?.[1];
    expect(runId).toBeDefined();
    // The store keeps the plan file sealed: the secret terraform wrote into it is not in the database in clear.
    const dump = () =>
      spawnSync('psql', ['-X', '-At', '-d', url, '-c', "SELECT run_id, stack, encode(plan_file, 'escape') FROM saved_plans"], { encoding: 'utf8' }).stdout;
    expect(dump()).toContain(`${runId}|db|`);
    expect(dump()).not.toContain(SECRET);

    // The plan job's runner is gone, and its state dir with it: only the store has the plan file.
    rmSync(join(planJob.dir, '.stackfleet'), { recursive: true, force: true });
    const commentEvent = { action: 'created', comment: { id: 555, body: '/stackfleet apply', user: { login: 'alice' } }, issue: { number: 7, pull_request: { url: 'x' } } };
    const apply = await stackfleet(['github', 'comment'], applyJob.dir, actionsEnv(github, applyJob, 'issue_comment', commentEvent, shared));
    expect(apply.stderr).not.toContain('warning');
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    expect(github.state.comments[1]!.body).toContain('### stackfleet apply');
    expect(github.state.comments[1]!.body).toContain('| `db` | - | ✅ succeeded |');
    expect(github.state.comments[0]!.reactions).toEqual(['eyes', '+1']);
    // Applied from the plan the PR showed: the shared state holds the planned value.
    const state = JSON.parse(readFileSync(sharedState, 'utf8')) as { resources: { instances: { attributes: { input: { value: string } } }[] }[] };
    expect(state.resources[0]!.instances[0]!.attributes.input.value).toBe(`v2-${SECRET}`);
    // Applied: the record, the stored copy and the restored file are gone.
    expect(dump()).toBe('');
    expect(existsSync(join(applyJob.dir, '.stackfleet', 'runs', runId!, 'plans', 'db.tfplan'))).toBe(false);
    expectNoSecretSent(github);
    expect(github.problems).toEqual([]);
  });
});
