/**
 * The shared store end to end: a real PostgreSQL server, two clones of one
 * fleet repository (a CI job and a laptop), the built CLI. What one applies,
 * the other sees (history, outputs, locks); the database password appears in
 * no file, no output and no stack environment.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '@stackfleet/test-utils';
import { git, gitInit, pushSeedToOrigin, makeTempDir, parseJsonLines, runStackfleet } from '../support/cli.js';

let server: PostgresServer;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(async () => {
  for (const cleanup of cleanups) cleanup();
  await server?.stop();
});


/** Every file under `dir`, recursively (skipping .git). */
function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.name === '.git') return [];
    return entry.isDirectory() ? listFiles(path) : [path];
  });
}

function fleetRepo(): { origin: string; ci: string; laptop: string } {
  const { dir, cleanup } = makeTempDir('stackfleet-pg-e2e-');
  cleanups.push(cleanup);
  const origin = join(dir, 'origin.git');
  const seed = join(dir, 'seed');
  mkdirSync(join(seed, 'infra', 'net'), { recursive: true });
  mkdirSync(join(seed, 'infra', 'app'), { recursive: true });
  writeFileSync(
    join(seed, 'infra', 'stacks.yaml'),
    `version: 1
settings:
  state: { url: "\${{ env.FLEET_DB }}" }
stacks:
  net:
    runner: command
    path: net
    commands: { apply: 'echo "{\\"vpc\\": \\"vpc-42\\"}" > "$STACKFLEET_OUTPUTS"; env > ../net.env' }
  app:
    runner: command
    path: app
    dependsOn: [{ stack: net, outputs: { vpc: VPC } }]
    commands: { apply: 'echo "app in $VPC"' }
`,
  );
  writeFileSync(join(seed, 'infra', 'net', '.keep'), '');
  writeFileSync(join(seed, 'infra', 'app', '.keep'), '');
  writeFileSync(join(seed, '.gitignore'), '.stackfleet/\n*.env\n');
  pushSeedToOrigin(seed, origin);
  const ci = join(dir, 'ci');
  const laptop = join(dir, 'laptop');
  git(dir, 'clone', '-q', origin, ci);
  git(dir, 'clone', '-q', origin, laptop);
  return { origin, ci, laptop };
}

describe('PostgreSQL store through the CLI', () => {
  it('shares history, outputs and locks between two checkouts, and never writes the password', async () => {
    const url = await server.createDatabase('e2e_shared');
    const { ci, laptop } = fleetRepo();
    const env = { FLEET_DB: url };

    const applied = runStackfleet(['apply', '--auto-approve'], { cwd: join(ci, 'infra'), env });
    expect(applied.stdout + applied.stderr).toContain('app in vpc-42');
    expect(applied.code).toBe(0);

    // The laptop's clone has no local state at all, yet sees what CI did.
    const history = runStackfleet(['history', '--json'], { cwd: join(laptop, 'infra'), env });
    expect(history.code).toBe(0);
    const runs = history.stdout.trim().split('\n').map((line) => JSON.parse(line) as { id: string; status: string });
    expect(runs).toHaveLength(1);
    expect(runs[0]?.status).toBe('succeeded');
    const outputs = runStackfleet(['outputs', 'net', '--json'], { cwd: join(laptop, 'infra'), env });
    expect(outputs.code).toBe(0);
    expect(outputs.stdout).toContain('vpc-42');
    const show = runStackfleet(['show', runs[0]!.id], { cwd: join(laptop, 'infra'), env });
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('net');

    // The password: in no file of either checkout, in no output, in no stack environment.
    for (const file of [...listFiles(ci), ...listFiles(laptop)]) {
      if (!statSync(file).isFile()) continue;
      expect(readFileSync(file, 'utf8'), file).not.toContain(server.password);
    }
    expect(applied.stdout + applied.stderr + history.stdout + outputs.stdout + show.stdout).not.toContain(server.password);
  });

  it('ends a run only after every stack settled: a slow store once let it finish while a stack still ran (issue #13)', async () => {
    // The fleet of the newcomer's trial: b needs a's outputs and a plan policy holds b for approval.
    // On the old engine about half of these runs ended with b "skipped: not started" and b running after.
    const { dir, cleanup } = makeTempDir('stackfleet-pg-settle-');
    cleanups.push(cleanup);
    writeFileSync(
      join(dir, 'stacks.yaml'),
      `version: 1
stacks:
  a: { path: a, runner: command, commands: { plan: ./p.sh, apply: ./a.sh } }
  b: { path: b, runner: command, commands: { plan: ./p.sh, apply: ./a.sh }, dependsOn: [{ stack: a, outputs: { v: V }, mock: { v: m } }] }
  c: { path: c, runner: command, commands: { plan: ./p.sh, apply: ./a.sh } }
policies:
  - file: w.policy.yaml
`,
    );
    writeFileSync(join(dir, 'w.policy.yaml'), 'kind: plan\nrules:\n  - name: w\n    effect: require_approval\n    when: input.stack.name == "b"\n');
    for (const stack of ['a', 'b', 'c']) {
      mkdirSync(join(dir, stack));
      writeFileSync(join(dir, stack, 'p.sh'), '#!/bin/sh\nexit 2\n', { mode: 0o755 });
      writeFileSync(join(dir, stack, 'a.sh'), '#!/bin/sh\necho \'{"v": "1"}\' > "$STACKFLEET_OUTPUTS"\n', { mode: 0o755 });
    }
    writeFileSync(join(dir, '.gitignore'), '.stackfleet/\n');
    gitInit(dir);
    const env = { STACKFLEET_STATE_URL: await server.createDatabase('e2e_settle') };
    for (let attempt = 1; attempt <= 6; attempt++) {
      const result = runStackfleet(['apply', '--auto-approve', '--ci', '--json'], { cwd: dir, env });
      expect(result.code, result.stderr).toBe(3);
      const events = parseJsonLines(result.stdout);
      // Two runs (the plan run, then the apply run): each ends after all of its events, with one end per stack.
      for (const runId of new Set(events.map((event) => String(event['runId'])))) {
        const ofRun = events.filter((event) => event['runId'] === runId);
        expect(ofRun.at(-1)?.type, `attempt ${attempt}`).toBe('run.finished');
        const ends = ofRun.filter((event) => event.type === 'stack.finished').map((event) => `${String(event['stack'])} ${String(event['status'])}`);
        expect(ends.sort(), `attempt ${attempt}`).toEqual(ofRun.at(-1)?.['status'] === 'awaiting_approval' ? ['a succeeded', 'b awaiting_approval', 'c succeeded'] : ['a changed', 'b changed', 'c changed']);
      }
    }
  });

  it('fails clearly, without the password, when the database cannot be reached', () => {
    const { ci } = fleetRepo();
    const badUrl = server.url.replace(`:${server.port}/`, ':1/');
    const result = runStackfleet(['history'], { cwd: join(ci, 'infra'), env: { FLEET_DB: badUrl } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cannot use the state database postgresql://postgres:***@127.0.0.1:1/postgres');
    expect(result.stderr).not.toContain(server.password);
    expect(result.stderr).not.toContain('    at ');
  });
});
