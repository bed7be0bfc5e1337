/**
 * Policies in distributed runs: a real PostgreSQL server, a fleet repository
 * pushed to a bare origin, the queuing clone and a worker clone, the built CLI
 * as real processes. Workers judge each stack's plan with the policies at the
 * run's commit; access policies decide before anything is queued.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '@stackfleet/test-utils';
import { git, makeTempDir, parseJsonLines, pushSeedToOrigin, runStackfleet, startStackfleet, type JsonLine } from '../support/cli.js';

const MANIFEST = `version: 1
settings:
  fleet: policy-remote-e2e
  state: { url: "\${{ env.FLEET_DB }}" }
stacks:
  net: { path: net, runner: command, commands: { plan: "exit 2", apply: "touch applied", destroy: "rm -f applied" } }
  app: { path: app, runner: command, dependsOn: [net], commands: { plan: "exit 2", apply: "touch applied", destroy: "rm -f applied" } }
  web: { path: web, runner: command, dependsOn: [app], commands: { plan: "exit 2", apply: "touch applied", destroy: "rm -f applied" } }
  cache: { path: cache }
policies:
  - file: policies/guard.policy.yaml
  - file: policies/access.policy.yaml
`;

const GUARD = `kind: plan
rules:
  - name: no-app
    effect: deny
    when: input.stack.name == "app"
    message: '"app is frozen (" + input.run.actor.login + ", " + input.run.command + ")"'
`;

const ACCESS = `kind: access
rules:
  - name: no-mallory
    effect: deny
    when: input.run.actor.login == "mallory"
    message: '"mallory may not " + input.run.command'
`;

describe('policies with --remote (PostgreSQL, a worker)', () => {
  let server: PostgresServer;
  let dir: string;
  let cleanup: () => void;
  let ci: string;
  let worker: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    server = await startPostgres();
    ({ dir, cleanup } = makeTempDir('stackfleet-policy-remote-'));
    const seed = join(dir, 'seed');
    for (const sub of ['net', 'app', 'web', 'policies']) mkdirSync(join(seed, sub), { recursive: true });
    for (const sub of ['net', 'app', 'web']) writeFileSync(join(seed, sub, '.keep'), '');
    mkdirSync(join(seed, 'cache'));
    writeFileSync(join(seed, 'cache', 'main.tf'), 'resource "terraform_data" "cache" {\n  input = "c"\n}\n');
    writeFileSync(join(seed, 'stacks.yaml'), MANIFEST);
    writeFileSync(join(seed, 'policies', 'guard.policy.yaml'), GUARD);
    writeFileSync(join(seed, 'policies', 'access.policy.yaml'), ACCESS);
    writeFileSync(join(seed, '.gitignore'), '.stackfleet/\n');
    pushSeedToOrigin(seed, join(dir, 'origin.git'));
    ci = join(dir, 'ci');
    worker = join(dir, 'worker');
    git(dir, 'clone', '-q', join(dir, 'origin.git'), ci);
    git(dir, 'clone', '-q', join(dir, 'origin.git'), worker);
    env = { FLEET_DB: await server.createDatabase('policy_remote'), STACKFLEET_WORKER_POLL_MS: '100', STACKFLEET_FOLLOW_POLL_MS: '100' };
  }, 60_000);
  afterAll(async () => {
    cleanup?.();
    await server?.stop();
  });

  it('a worker denies a stack by the plan policy at the run\'s commit, as the queuing actor; its dependents are skipped, exit 3', async () => {
    const workerProcess = startStackfleet(['worker', '--idle-exit', '3s'], { cwd: worker, env: { ...env, STACKFLEET_ACTOR: 'the-worker' } });
    try {
      const result = runStackfleet(['apply', '--auto-approve', '--remote', '--json'], { cwd: ci, env: { ...env, STACKFLEET_ACTOR: 'alice' } });
      expect(result.code, result.stderr).toBe(3);
      const events = parseJsonLines(result.stdout);
      const finished = Object.fromEntries(events.filter((event) => event.type === 'stack.finished').map((event): [string, JsonLine] => [String(event.stack), event]));
      expect(finished['net']).toMatchObject({ status: 'succeeded' });
      expect(finished['app']).toMatchObject({ status: 'denied', messages: ['app is frozen (alice, apply)'] });
      expect(finished['web']).toMatchObject({ status: 'skipped' });
      expect(events).toContainEqual(expect.objectContaining({ type: 'policy.evaluated', stack: 'app', rule: 'no-app', effect: 'deny' }));
      expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'denied' });
      const show = runStackfleet(['show', String(events[0]!['runId'])], { cwd: ci, env });
      expect(show.stdout).toContain('app: deny: app is frozen (alice, apply) (guard/no-app)');
    } finally {
      workerProcess.child.kill('SIGINT');
      await workerProcess.done;
    }
  }, 90_000);

  it('an access deny is decided before anything is queued: the run is recorded denied, no stack starts', () => {
    const result = runStackfleet(['apply', '--auto-approve', '--remote', '--json'], { cwd: ci, env: { ...env, STACKFLEET_ACTOR: 'mallory' } });
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).not.toContain('queued run');
    const events = parseJsonLines(result.stdout);
    expect(events.map((event) => event.type)).not.toContain('stack.started');
    expect(events).toContainEqual(expect.objectContaining({ type: 'policy.evaluated', rule: 'no-mallory', message: 'mallory may not apply' }));
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'denied' });
  });

  it('plan --destroy --remote: a worker judges the preview as the destroy it previews (input.run.command destroy)', async () => {
    const workerProcess = startStackfleet(['worker', '--idle-exit', '3s'], { cwd: worker, env: { ...env, STACKFLEET_ACTOR: 'the-worker' } });
    try {
      const result = runStackfleet(['plan', '--destroy', '--remote', '--json'], { cwd: ci, env: { ...env, STACKFLEET_ACTOR: 'alice' } });
      expect(result.code, result.stderr).toBe(0);
      const events = parseJsonLines(result.stdout);
      expect(events).toContainEqual(expect.objectContaining({ type: 'policy.evaluated', stack: 'app', rule: 'no-app', message: 'app is frozen (alice, destroy)' }));
    } finally {
      workerProcess.child.kill('SIGINT');
      await workerProcess.done;
    }
  }, 90_000);

  it('destroy --remote: a worker plans each stack\'s destroy and the plan policies judge it before anything is destroyed; a denied stack keeps what it needs', async () => {
    // The worker runs the run's commit in its own checkout of it; the first test applied net and cache there.
    const atCommit = join(worker, '.stackfleet', 'worker', 'commits', git(ci, 'rev-parse', 'HEAD').trim());
    expect(existsSync(join(atCommit, 'net', 'applied'))).toBe(true);
    expect(readFileSync(join(atCommit, 'cache', 'terraform.tfstate'), 'utf8')).toContain('terraform_data');
    const workerProcess = startStackfleet(['worker', '--idle-exit', '3s'], { cwd: worker, env: { ...env, STACKFLEET_ACTOR: 'the-worker' } });
    try {
      const result = runStackfleet(['destroy', '--remote', '--auto-approve', '--json'], { cwd: ci, env: { ...env, STACKFLEET_ACTOR: 'alice' } });
      expect(result.code, result.stderr).toBe(3);
      const events = parseJsonLines(result.stdout);
      expect(events[0]).toMatchObject({ type: 'run.started', command: 'destroy' });
      const finished = Object.fromEntries(events.filter((event) => event.type === 'stack.finished').map((event): [string, JsonLine] => [String(event.stack), event]));
      // Dependents first: web goes, app is judged on its destroy plan and denied, net (which app needs) stays.
      expect(finished['web']).toMatchObject({ status: 'succeeded' });
      expect(finished['app']).toMatchObject({ status: 'denied', messages: ['app is frozen (alice, destroy)'] });
      expect(finished['net']).toMatchObject({ status: 'skipped', reason: 'dependency app denied' });
      // cache (terraform, applied by the first test) is destroyed with the destroy plan its policies allowed.
      expect(finished['cache']).toMatchObject({ status: 'succeeded' });
      expect(events.filter((event) => event.type === 'stack.planned').map((event) => event.stack).sort()).toEqual(['app', 'cache', 'web']);
      expect(existsSync(join(atCommit, 'net', 'applied'))).toBe(true);
      expect(readFileSync(join(atCommit, 'cache', 'terraform.tfstate'), 'utf8')).not.toContain('terraform_data');
    } finally {
      workerProcess.child.kill('SIGINT');
      await workerProcess.done;
    }
  }, 90_000);

  it('refuses a fleet with run policies, which no worker could evaluate, and says what to run instead', () => {
    writeFileSync(join(ci, 'policies', 'fleet.policy.yaml'), 'kind: run\nrules:\n  - name: any\n    effect: warn\n    when: "true"\n');
    writeFileSync(join(ci, 'run-policies.yaml'), `${MANIFEST}  - file: policies/fleet.policy.yaml\n`);
    const result = runStackfleet(['plan', '--remote', '-f', 'run-policies.yaml'], { cwd: ci, env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--remote is not supported for a fleet with `kind: run` policies (policies/fleet.policy.yaml)');
    expect(result.stderr).toContain('run the same command on this machine without --remote (`stackfleet plan` with your selectors)');
    for (const command of ['apply', 'destroy']) {
      const refused = runStackfleet([command, '--remote', '--auto-approve', '-f', 'run-policies.yaml'], { cwd: ci, env });
      expect(refused.code, refused.stderr).toBe(1);
      expect(refused.stderr).toContain('before any is applied, and workers plan and apply stack by stack');
      expect(refused.stderr).toContain(`(\`stackfleet ${command} --auto-approve\` with your selectors): it plans every stack first`);
    }
  });
});
