/**
 * Policies in distributed runs: a real PostgreSQL server, a fleet repository
 * pushed to a bare origin, the queuing clone and a worker clone, the built CLI
 * as real processes. Workers judge each stack's plan with the policies at the
 * run's commit; access policies decide before anything is queued.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '@stackfleet/test-utils';
import { git, makeTempDir, parseJsonLines, pushSeedToOrigin, runStackfleet, startStackfleet } from '../support/cli.js';

const MANIFEST = `version: 1
settings:
  fleet: policy-remote-e2e
  state: { url: "\${{ env.FLEET_DB }}" }
stacks:
  net: { path: net, runner: command, commands: { plan: "exit 2", apply: "touch applied" } }
  app: { path: app, runner: command, dependsOn: [net], commands: { plan: "exit 2", apply: "touch applied" } }
  web: { path: web, runner: command, dependsOn: [app], commands: { plan: "exit 2", apply: "touch applied" } }
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
      const finished = Object.fromEntries(events.filter((event) => event.type === 'stack.finished').map((event) => [event.stack, event]));
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

  it('refuses a fleet with run policies, which no worker could evaluate, and a destroy its plan policies would judge', () => {
    const destroy = runStackfleet(['destroy', '--remote', '--auto-approve'], { cwd: ci, env });
    expect(destroy.code).toBe(1);
    expect(destroy.stderr).toContain('destroy --remote is not supported for stacks that plan policies judge');
    writeFileSync(join(ci, 'policies', 'fleet.policy.yaml'), 'kind: run\nrules:\n  - name: any\n    effect: warn\n    when: "true"\n');
    writeFileSync(join(ci, 'run-policies.yaml'), `${MANIFEST}  - file: policies/fleet.policy.yaml\n`);
    const result = runStackfleet(['plan', '--remote', '-f', 'run-policies.yaml'], { cwd: ci, env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--remote is not supported for a fleet with `kind: run` policies (policies/fleet.policy.yaml)');
  });
});
