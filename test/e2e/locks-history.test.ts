import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir, runStackfleet, startStackfleet, testEnv } from '../support/cli.js';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups) cleanup();
  cleanups = [];
});

function fleet(yaml: string, stacks: string[]): string {
  const { dir, cleanup } = makeTempDir('stackfleet-locks-');
  cleanups.push(cleanup);
  writeFileSync(join(dir, 'stacks.yaml'), yaml);
  for (const name of stacks) mkdirSync(join(dir, name), { recursive: true });
  return dir;
}

async function waitFor(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function ndjson<T>(text: string): T[] {
  return text.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as T);
}

describe('locks and unlock', () => {
  it('lists a held lock, refuses to unlock a live one without --force, and --force releases it (stopping the holder)', async () => {
    const dir = fleet(
      `version: 1
stacks:
  slow: { runner: command, path: slow, commands: { apply: "echo begin > ../begun; i=0; while [ ! -f ../release ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done; echo end > ../ended" } }
`,
      ['slow'],
    );
    // The stack holds its lock until the test writes \`release\` (at most 30 s): on a
    // loaded machine each CLI call below can take seconds, longer than any fixed sleep.
    // A short lease, renewed every 200 ms: the holder notices at once when its lock is taken away.
    const env = { STACKFLEET_LOCK_TTL_MS: '600' };
    const holder = startStackfleet(['apply', '--auto-approve'], { cwd: dir, env });
    await waitFor(() => existsSync(join(dir, 'begun')), 'the slow apply to start');
    const runId = /run (\S+?)[,)]/.exec(holder.output().stdout)?.[1];
    expect(runId).toBeDefined();

    const locks = runStackfleet(['locks'], { cwd: dir });
    expect(locks.code).toBe(0);
    expect(locks.stdout).toMatch(new RegExp(`^slow\\s+${hostname()}:${holder.child.pid}\\s+${runId}\\s+\\S+Z$`, 'm'));
    const [lock] = ndjson<{ stack: string; host: string; pid: number; runId: string; expiresAt: string }>(runStackfleet(['locks', '--json'], { cwd: dir }).stdout);
    expect(lock).toMatchObject({ stack: 'slow', host: hostname(), pid: holder.child.pid, runId });
    expect(Date.parse(lock!.expiresAt)).toBeGreaterThan(Date.now());

    const refused = runStackfleet(['unlock', 'slow'], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`slow is locked by ${hostname()} pid ${holder.child.pid} (run ${runId})`);
    expect(refused.stderr).toContain('--force');
    expect(runStackfleet(['locks', '--json'], { cwd: dir }).stdout).toContain('"stack":"slow"');

    const forced = runStackfleet(['unlock', 'slow', '--force'], { cwd: dir });
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toContain(`unlocked slow (was held by ${hostname()} pid ${holder.child.pid}, run ${runId})`);
    expect(runStackfleet(['locks'], { cwd: dir }).stdout.trim()).toBe('no locks held');

    // The holder's next heartbeat finds its lock gone: it stops the stack's processes
    // (the loop never ends on its own before 30 s) and fails the stack `lost lock`.
    const held = await holder.done;
    writeFileSync(join(dir, 'release'), '');
    expect(held.stdout).toContain('lost the lock on slow');
    expect(held.code).toBe(1);
    expect(held.stdout).toMatch(/slow\b.*failed.*lost lock/);
    expect(existsSync(join(dir, 'ended'))).toBe(false);
    expect(runStackfleet(['locks'], { cwd: dir }).stdout.trim()).toBe('no locks held');
  }, 60_000);

  it('does not take the lock of a stopped (SIGSTOP) holder on this host past its lease', async () => {
    const dir = fleet(
      `version: 1
stacks:
  slow: { runner: command, path: slow, commands: { apply: "echo begin > ../begun; i=0; while [ ! -f ../release ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done" } }
`,
      ['slow'],
    );
    const env = { STACKFLEET_LOCK_TTL_MS: '300' };
    const holder = startStackfleet(['apply', '--auto-approve'], { cwd: dir, env });
    await waitFor(() => existsSync(join(dir, 'begun')), 'the slow apply to start');
    holder.child.kill('SIGSTOP');
    try {
      // The stopped holder cannot renew: its 300 ms lease is long over by the time this runs.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const second = runStackfleet(['apply', '--auto-approve'], { cwd: dir, env });
      expect(second.code).toBe(1);
      expect(second.stdout + second.stderr).toContain(`slow is locked by ${hostname()} pid ${holder.child.pid}`);
    } finally {
      holder.child.kill('SIGCONT');
    }
    writeFileSync(join(dir, 'release'), '');
    const held = await holder.done;
    expect(held.code, held.stdout + held.stderr).toBe(0);
    expect(held.stdout).not.toContain('lost the lock');
  }, 60_000);

  it('unlock without --force releases a lock whose holder was killed (same host, pid gone)', async () => {
    const dir = fleet(
      `version: 1
stacks:
  slow: { runner: command, path: slow, commands: { apply: "echo begin > ../begun; sleep 4" } }
`,
      ['slow'],
    );
    const holder = startStackfleet(['apply', '--auto-approve'], { cwd: dir });
    await waitFor(() => existsSync(join(dir, 'begun')), 'the slow apply to start');
    holder.child.kill('SIGKILL');
    await holder.done;
    // The lease (60 s by default) has not expired, but its holder is provably gone.
    expect(runStackfleet(['locks'], { cwd: dir }).stdout).toMatch(new RegExp(`^slow\\s+${hostname()}:${holder.child.pid}\\s.*\\(holder gone\\)$`, 'm'));
    const unlocked = runStackfleet(['unlock', 'slow'], { cwd: dir });
    expect(unlocked.code, unlocked.stderr).toBe(0);
    expect(unlocked.stdout).toContain(`unlocked slow (was held by ${hostname()} pid ${holder.child.pid}`);
    expect(runStackfleet(['locks'], { cwd: dir }).stdout.trim()).toBe('no locks held');
  }, 30_000);

  it('unlock of an unknown stack exits 1 with a suggestion', () => {
    const dir = fleet('version: 1\nstacks:\n  network: { runner: command, path: network, commands: { apply: "true" } }\n', ['network']);
    const result = runStackfleet(['unlock', 'netwrk'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('unknown stack "netwrk" (did you mean "network"?)');
  });
});

describe('history, show and outputs', () => {
  const yaml = `version: 1
stacks:
  network:
    runner: command
    path: network
    commands: { apply: "printf '{\\"vpc_id\\":\\"vpc-%s\\"}' \\"$STACKFLEET_RUN_ID\\" > \\"$STACKFLEET_OUTPUTS\\"" }
  app:
    runner: command
    path: app
    dependsOn: [{ stack: network, outputs: { vpc_id: VPC_ID } }]
    commands: { apply: "echo \\"app in $VPC_ID\\"; test ! -f ../fail-app" }
`;

  it('records each run with per-stack statuses and log paths', () => {
    const dir = fleet(yaml, ['network', 'app']);
    const ok = runStackfleet(['apply', '--auto-approve'], { cwd: dir });
    expect(ok.code, ok.stderr).toBe(0);
    writeFileSync(join(dir, 'fail-app'), '');
    const failed = runStackfleet(['apply', '--auto-approve'], { cwd: dir });
    expect(failed.code).toBe(1);

    type Run = { id: string; command: string; status: string; stackRuns: { stack: string; state: string; logFile?: string }[] };
    const runs = ndjson<Run>(runStackfleet(['history', '--json'], { cwd: dir }).stdout);
    expect(runs.map((run) => `${run.command} ${run.status}`)).toEqual(['apply failed', 'apply succeeded']);
    const [second, first] = runs as [Run, Run];
    expect(second.stackRuns.map((row) => `${row.stack}:${row.state}`)).toEqual(['network:succeeded', 'app:failed']);
    expect(first.stackRuns.map((row) => `${row.stack}:${row.state}`)).toEqual(['network:succeeded', 'app:succeeded']);

    const table = runStackfleet(['history'], { cwd: dir });
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`^${second.id}\\s.*\\sapply\\s+failed\\s+1 failed, 1 succeeded`, 'm'));
    expect(table.stdout).toMatch(new RegExp(`^${first.id}\\s.*\\sapply\\s+succeeded\\s+2 succeeded`, 'm'));

    const appHistory = runStackfleet(['history', 'app', '--json', '--limit', '1'], { cwd: dir });
    expect(appHistory.code).toBe(0);
    const appRows = ndjson<{ runId: string; stack: string; state: string; exitCode?: number }>(appHistory.stdout);
    expect(appRows).toHaveLength(1);
    expect(appRows[0]).toMatchObject({ runId: second.id, stack: 'app', state: 'failed', exitCode: 1 });

    const show = runStackfleet(['show', second.id], { cwd: dir });
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain(`run ${second.id}: apply failed`);
    expect(show.stdout).toContain(`logs: ${join(dir, '.stackfleet', 'runs', second.id)}`);
    const appLog = second.stackRuns.find((row) => row.stack === 'app')?.logFile;
    expect(appLog).toBe(join(dir, '.stackfleet', 'runs', second.id, 'app.log'));
    expect(show.stdout).toMatch(new RegExp(`^app\\s+failed\\s.*${appLog!.replace(/[.]/g, '\\.')}$`, 'm'));
    // The log holds what the stack printed, with the output it was given.
    expect(readFileSync(appLog!, 'utf8')).toContain(`app in vpc-${second.id}`);

    const unknownRun = runStackfleet(['show', 'no-such-run'], { cwd: dir });
    expect(unknownRun.code).toBe(1);
    expect(unknownRun.stderr).toContain('no run "no-such-run"');

    const outputs = runStackfleet(['outputs', 'network', '--json'], { cwd: dir });
    expect(outputs.code).toBe(0);
    expect(JSON.parse(outputs.stdout)).toEqual({ vpc_id: `vpc-${second.id}` });
    const unknown = runStackfleet(['outputs', 'netwrk', '--json'], { cwd: dir });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('unknown stack "netwrk" (did you mean "network"?)');
  }, 30_000);
});

/** Every file under `dir`, recursively. */
function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

describe('sensitive outputs of a real terraform stack', () => {
  it('are masked by `outputs` and never stored or printed in plaintext', () => {
    const dir = fleet(
      `version: 1
stacks:
  vault:
    runner: terraform
    path: vault
`,
      ['vault'],
    );
    // The secret is made during apply (a fresh id), so nothing outside terraform knows it beforehand.
    writeFileSync(
      join(dir, 'vault', 'main.tf'),
      `resource "terraform_data" "token" {
  input = "plain-value"
}
output "endpoint" {
  value = terraform_data.token.output
}
output "token" {
  value     = "tok-\${terraform_data.token.id}-secret"
  sensitive = true
}
`,
    );
    const apply = runStackfleet(['apply', '--auto-approve'], { cwd: dir });
    expect(apply.code, apply.stderr).toBe(0);
    const raw = spawnSync('terraform', ['output', '-raw', 'token'], { cwd: join(dir, 'vault'), env: testEnv(), encoding: 'utf8' });
    const secret = raw.stdout.trim();
    expect(secret).toMatch(/^tok-[0-9a-f-]{36}-secret$/);

    const outputs = runStackfleet(['outputs', 'vault', '--json'], { cwd: dir });
    expect(outputs.code).toBe(0);
    expect(JSON.parse(outputs.stdout)).toEqual({ endpoint: 'plain-value', token: '***' });
    const human = runStackfleet(['outputs', 'vault'], { cwd: dir });
    expect(human.stdout).toMatch(/^token\s+= \*\*\*$/m);

    // The scan itself works: terraform's own state (outside stackfleet's state dir) holds the secret in plaintext.
    expect(readFileSync(join(dir, 'vault', 'terraform.tfstate')).includes(Buffer.from(secret))).toBe(true);
    const stateFiles = listFiles(join(dir, '.stackfleet'));
    expect(stateFiles.some((file) => file.endsWith('state.db'))).toBe(true);
    const leaks = stateFiles.filter((file) => readFileSync(file).includes(Buffer.from(secret)));
    expect(leaks).toEqual([]);
    for (const text of [apply.stdout, apply.stderr, outputs.stdout, outputs.stderr, human.stdout, human.stderr]) {
      expect(text).not.toContain(secret);
    }
  }, 60_000);
});
