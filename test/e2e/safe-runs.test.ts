import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliBin, copyExampleFleet, gitInit, makeTempDir, repoRoot, runStackfleet, startStackfleet, testEnv } from '../support/cli.js';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups) cleanup();
  cleanups = [];
});

/** A temp fleet from raw manifest text; `dirs` are created for the stacks' paths. */
function fleet(manifest: string, dirs: string[]): string {
  const { dir, cleanup } = makeTempDir();
  cleanups.push(cleanup);
  for (const name of dirs) mkdirSync(join(dir, name), { recursive: true });
  writeFileSync(join(dir, 'stacks.yaml'), manifest);
  return dir;
}

/** Runs the CLI through a real shell pipe whose reader may go away; the exit code is stackfleet's own. */
function pipeStackfleetStatus(dir: string, args: string, reader: string): { code: number; stdout: string; stderr: string } {
  const script = `{ node ${JSON.stringify(cliBin)} ${args} 2>"$ERR"; echo $? > "$RC"; } | ${reader}`;
  const rc = join(dir, '.rc');
  const err = join(dir, '.err');
  const result = spawnSync('sh', ['-c', script], { cwd: dir, env: testEnv({ RC: rc, ERR: err }), encoding: 'utf8' });
  return { code: Number(readFileSync(rc, 'utf8').trim()), stdout: result.stdout, stderr: readFileSync(err, 'utf8') };
}

describe('a closed pipe never touches a live apply', () => {
  it('finishes the run, records it succeeded and releases the lock when stdout is closed early', () => {
    const dir = fleet(
      [
        'version: 1',
        'stacks:',
        '  slow:',
        '    runner: command',
        '    path: slow',
        '    commands:',
        '      apply: "for i in 1 2 3 4 5 6 7 8 9 10; do echo line $i; done; sleep 1; for i in 1 2 3; do echo more $i; done; echo done > applied.marker"',
        '',
      ].join('\n'),
      ['slow'],
    );
    const piped = pipeStackfleetStatus(dir, 'apply --auto-approve', 'head -2');
    expect(piped.stdout.trim().split('\n')).toHaveLength(2);
    expect(piped.stderr).not.toContain('EPIPE');
    expect(piped.code).toBe(0);
    expect(existsSync(join(dir, 'slow/applied.marker'))).toBe(true);
    const history = runStackfleet(['history', '--json'], { cwd: dir });
    const run = JSON.parse(history.stdout.trim().split('\n')[0]!) as { status: string };
    expect(run.status).toBe('succeeded');
    const locks = runStackfleet(['locks', '--json'], { cwd: dir });
    expect(locks.stdout.trim()).toBe('');
  });

  it('lets list, history and graph exit 0 quietly into head -1', () => {
    // More than a pipe buffer (64 KiB) of output, so the writer outlives the reader.
    const stacks = Array.from({ length: 1500 }, (_, index) => `stack-with-a-rather-long-name-${String(index).padStart(4, '0')}`);
    const lines = ['version: 1', 'stacks:'];
    for (const name of stacks) lines.push(`  ${name}:`, '    runner: command', `    path: ${name}`, '    commands: { apply: "true" }');
    const dir = fleet(`${lines.join('\n')}\n`, stacks);
    for (const command of ['list', 'history', 'graph']) {
      const result = pipeStackfleetStatus(dir, command, 'head -1');
      expect({ command, code: result.code, stderr: result.stderr }).toEqual({ command, code: 0, stderr: '' });
    }
  });
});

describe('files stackfleet writes are its own to clean', () => {
  it('a run killed mid-apply does not block the stack with its context files; a user file still does', async () => {
    const dir = fleet(
      [
        'version: 1',
        'contexts:',
        '  gen:',
        '    files: { "gen.auto.tfvars": "size = 1\\n" }',
        'stacks:',
        '  app:',
        '    runner: command',
        '    path: app',
        '    contexts: [gen]',
        '    commands:',
        '      apply: "cat gen.auto.tfvars; if [ -f slow ]; then touch started; sleep 30; fi"',
        '',
      ].join('\n'),
      ['app'],
    );
    writeFileSync(join(dir, 'app/slow'), '');
    const apply = startStackfleet(['apply', '--auto-approve'], { cwd: dir });
    const deadline = Date.now() + 30_000;
    while (!existsSync(join(dir, 'app/started')) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    apply.child.kill('SIGKILL');
    await apply.done;
    expect(existsSync(join(dir, 'app/gen.auto.tfvars'))).toBe(true);
    rmSync(join(dir, 'app/slow'));
    runStackfleet(['unlock', 'app', '--force'], { cwd: dir });
    // The next run writes different content: the leftover must not read as the user's file.
    const manifest = join(dir, 'stacks.yaml');
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('size = 1', 'size = 2'));

    const again = runStackfleet(['apply', '--auto-approve'], { cwd: dir });
    expect(again.stderr).not.toContain('already exists');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('size = 2');
    expect(existsSync(join(dir, 'app/gen.auto.tfvars'))).toBe(false);

    writeFileSync(join(dir, 'app/gen.auto.tfvars'), 'size = 9\n');
    const refused = runStackfleet(['apply', '--auto-approve'], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stdout + refused.stderr).toContain('file "gen.auto.tfvars" already exists');
    expect(readFileSync(join(dir, 'app/gen.auto.tfvars'), 'utf8')).toBe('size = 9\n');
  });
});

describe('destroy is deliberate', () => {
  function networkFleet(): string {
    const lines = ['version: 1', 'stacks:'];
    for (const [name, deps] of [['network', []], ['app', ['network']], ['web', ['app']], ['other', []]] as const) {
      lines.push(`  ${name}:`, '    runner: command', `    path: ${name}`);
      if (deps.length > 0) lines.push(`    dependsOn: [${deps.join(', ')}]`);
      lines.push('    commands:', `      apply: "echo up >> ../trail"`, `      destroy: "echo ${name} >> ../destroyed"`);
    }
    return fleet(`${lines.join('\n')}\n`, ['network', 'app', 'web', 'other']);
  }

  it('refuses to destroy a stack that live stacks outside the selection depend on, unless --with-dependents or --force', () => {
    const dir = networkFleet();
    // Only network and app are live; web was never applied.
    expect(runStackfleet(['apply', '--auto-approve', '--stack', 'network', '--stack', 'app'], { cwd: dir }).code).toBe(0);
    const refused = runStackfleet(['destroy', '--stack', 'network', '--auto-approve'], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('refusing to destroy: 1 live stack(s) outside the selection depend on it:\n  - app (depends on network)');
    expect(refused.stderr).toContain('--with-dependents');
    expect(existsSync(join(dir, 'destroyed'))).toBe(false);

    const cascade = runStackfleet(['destroy', '--stack', 'network', '--with-dependents', '--auto-approve', '-j', '1'], { cwd: dir });
    expect(cascade.code).toBe(0);
    expect(readFileSync(join(dir, 'destroyed'), 'utf8')).toBe('web\napp\nnetwork\n');

    expect(runStackfleet(['apply', '--auto-approve'], { cwd: dir }).code).toBe(0);
    const forced = runStackfleet(['destroy', '--stack', 'network', '--force', '--auto-approve'], { cwd: dir });
    expect(forced.code).toBe(0);
    expect(readFileSync(join(dir, 'destroyed'), 'utf8')).toBe('web\napp\nnetwork\nnetwork\n');
  });
});

describe('plan --destroy and the destroy confirmation', () => {
  it('previews a destroy with the plan table (terraform plan -destroy), in destroy order', () => {
    const dir = fleet(
      [
        'version: 1',
        'stacks:',
        '  net: { runner: terraform, path: net }',
        '  app: { runner: command, path: app, dependsOn: [net], commands: { apply: "true", destroy: "true" } }',
        '',
      ].join('\n'),
      ['net', 'app'],
    );
    writeFileSync(join(dir, 'net/main.tf'), 'resource "terraform_data" "x" {\n  input = "a"\n}\n');
    expect(runStackfleet(['apply', '--auto-approve'], { cwd: dir }).code).toBe(0);
    const preview = runStackfleet(['plan', '--destroy', '--json'], { cwd: dir });
    expect(preview.code).toBe(0);
    const events = preview.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events[0]).toMatchObject({ type: 'run.started', command: 'plan', stacks: ['app', 'net'] });
    const planned = Object.fromEntries(events.filter((event) => event.type === 'stack.planned').map((event) => [event.stack as string, event] as const));
    expect(planned.net).toMatchObject({ hasChanges: true, changes: { create: 0, delete: 1 } });
    expect(planned.app).toMatchObject({ hasChanges: true });
    // Nothing was destroyed.
    expect(runStackfleet(['plan', '--detailed-exitcode', '--stack', 'net'], { cwd: dir }).code).toBe(0);
  });

  it('lists the stacks in the order they will be destroyed when asking', () => {
    const dir = fleet(
      [
        'version: 1',
        'stacks:',
        '  network: { runner: command, path: network, commands: { apply: "true", destroy: "true" } }',
        '  app: { runner: command, path: app, dependsOn: [network], commands: { apply: "true", destroy: "true" } }',
        '',
      ].join('\n'),
      ['network', 'app'],
    );
    // `script` gives the CLI a terminal, so it asks.
    const result = spawnSync('script', ['-qec', `node ${JSON.stringify(cliBin)} destroy --no-color`, '/dev/null'], {
      cwd: dir,
      env: { ...testEnv(), CI: '', TERM: 'xterm' },
      input: 'n\n',
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.stdout).toContain('These stacks will be destroyed, in this order:\r\n  1. app\r\n  2. network');
    expect(result.stdout).toContain('Destroy cancelled.');
  });
});

describe('after a destroy, messages say destroyed, not never applied', () => {
  it('plans fall back to mocks saying so, and apply refuses naming the destroying run', () => {
    const dir = fleet(
      [
        'version: 1',
        'stacks:',
        '  network:',
        '    runner: command',
        '    path: network',
        `    commands: { apply: ${JSON.stringify('echo \'{"id": "net-1"}\' > "$STACKFLEET_OUTPUTS"')}, destroy: "true" }`,
        '  app:',
        '    runner: command',
        '    path: app',
        '    dependsOn: [{ stack: network, outputs: { id: NET_ID }, mock: { id: net-mock } }]',
        '    commands: { apply: "echo $NET_ID", plan: "echo plan $NET_ID; exit 2" }',
        '',
      ].join('\n'),
      ['network', 'app'],
    );
    const fresh = runStackfleet(['plan', '--stack', 'app'], { cwd: dir });
    expect(fresh.stdout).toContain('using mock outputs of network (never applied)');
    expect(runStackfleet(['apply', '--auto-approve'], { cwd: dir }).code).toBe(0);
    const destroy = runStackfleet(['destroy', '--stack', 'network', '--force', '--auto-approve', '--json'], { cwd: dir });
    expect(destroy.code).toBe(0);
    const runId = (JSON.parse(destroy.stdout.split('\n')[0]!) as { runId: string }).runId;
    const plan = runStackfleet(['plan', '--stack', 'app'], { cwd: dir });
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain(`using mock outputs of network (destroyed in run ${runId})`);
    expect(plan.stdout).toContain('plan net-mock');
    const apply = runStackfleet(['apply', '--stack', 'app', '--auto-approve'], { cwd: dir });
    expect(apply.code).toBe(1);
    expect(apply.stdout).toContain(`is a mock (network was destroyed in run ${runId}); apply network first`);
    expect(apply.stdout).not.toContain('never been applied');
  });
});

describe('plan files hold secrets: owner-only, and gone when no longer needed', () => {
  it('writes the terraform plan file 0600 in an owner-only directory and removes it after plan and after apply', () => {
    const dir = fleet(
      [
        'version: 1',
        'stacks:',
        '  net:',
        '    runner: terraform',
        '    path: net',
        '    hooks:',
        '      afterPlan: "stat -c %a ../.stackfleet/runs/*/work/net.tfplan ../.stackfleet/runs/*/work >> ../modes.txt"',
        '',
      ].join('\n'),
      ['net'],
    );
    writeFileSync(join(dir, 'net/main.tf'), 'variable "token" {\n  default   = "s3cr3t-value"\n  sensitive = true\n}\nresource "terraform_data" "x" {\n  input = var.token\n}\n');
    const plan = runStackfleet(['plan'], { cwd: dir });
    expect(plan.code).toBe(0);
    expect(readFileSync(join(dir, 'modes.txt'), 'utf8')).toBe('600\n700\n');
    const leftovers = () => spawnSync('sh', ['-c', 'find .stackfleet -name "*.tfplan"'], { cwd: dir, encoding: 'utf8' }).stdout;
    expect(leftovers()).toBe('');
    const apply = runStackfleet(['apply', '--auto-approve'], { cwd: dir });
    expect(apply.code).toBe(0);
    expect(leftovers()).toBe('');
  });
});

describe('first-hour fixes', () => {
  function simpleFleet(): string {
    return fleet(
      [
        'version: 1',
        'stacks:',
        '  net:',
        '    runner: command',
        '    path: net',
        '    hooks:',
        '      afterRun: "echo $STACKFLEET_STATUS >> ../status.txt"',
        '    commands:',
        `      apply: ${JSON.stringify('echo \'{"vpc_id": "vpc-123", "cidrs": ["10.0.0.0/16"]}\' > "$STACKFLEET_OUTPUTS"')}`,
        '  app:',
        '    runner: command',
        '    path: app',
        '    dependsOn: [net]',
        '    hooks:',
        '      afterRun: "echo $STACKFLEET_STATUS >> ../status.txt"',
        '    commands:',
        '      apply: "exit 4"',
        '',
      ].join('\n'),
      ['net', 'app'],
    );
  }

  it('refuses contradicting flags as usage errors', () => {
    const dir = simpleFleet();
    const both = runStackfleet(['apply', '--auto-approve', '--fail-fast', '--keep-going'], { cwd: dir });
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('--fail-fast and --keep-going contradict each other');
    const deps = runStackfleet(['plan', '--stack', 'net', '--with-dependents', '--no-dependents'], { cwd: dir });
    expect(deps.code).toBe(1);
    expect(deps.stderr).toContain('--with-dependents and --no-dependents contradict each other');
    expect(existsSync(join(dir, 'status.txt'))).toBe(false);
  });

  it('gives afterRun hooks STACKFLEET_STATUS, and `outputs STACK KEY` prints one raw value', () => {
    const dir = simpleFleet();
    expect(runStackfleet(['apply', '--auto-approve', '-j', '1'], { cwd: dir }).code).toBe(1);
    expect(readFileSync(join(dir, 'status.txt'), 'utf8')).toBe('succeeded\nfailed\n');
    expect(runStackfleet(['outputs', 'net', 'vpc_id'], { cwd: dir })).toMatchObject({ code: 0, stdout: 'vpc-123\n' });
    expect(runStackfleet(['outputs', 'net', 'cidrs'], { cwd: dir })).toMatchObject({ code: 0, stdout: '["10.0.0.0/16"]\n' });
    const missing = runStackfleet(['outputs', 'net', 'vpc'], { cwd: dir });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('stack "net" has no output "vpc"');
  });

  it('reports every missing secret at once', () => {
    const dir = fleet(
      [
        'version: 1',
        'contexts:',
        '  shared:',
        '    attachTo: { labels: ["*"] }',
        '    secrets: { SHARED_TOKEN: { fromEnv: SF_TEST_SHARED_TOKEN } }',
        'stacks:',
        '  a:',
        '    runner: command',
        '    path: a',
        '    secrets: { A_KEY: { fromFile: missing-a.txt }, A_TOKEN: { fromEnv: SF_TEST_A_TOKEN } }',
        '    commands: { apply: "true" }',
        '  b:',
        '    runner: command',
        '    path: b',
        '    secrets: { B_TOKEN: { fromEnv: SF_TEST_B_TOKEN } }',
        '    commands: { apply: "true" }',
        '',
      ].join('\n'),
      ['a', 'b'],
    );
    const result = runStackfleet(['apply', '--auto-approve'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('4 secrets cannot be read:');
    for (const name of ['SF_TEST_SHARED_TOKEN', 'SF_TEST_A_TOKEN', 'missing-a.txt', 'SF_TEST_B_TOKEN']) expect(result.stderr).toContain(name);
    expect(result.stderr.match(/SF_TEST_SHARED_TOKEN is not set/g)).toHaveLength(1);
  });

  it('warns (with a did-you-mean) about --exclude globs and limits/attachTo labels that match nothing', () => {
    const dir = fleet(
      [
        'version: 1',
        'settings: { limits: { prd: 1 } }',
        'contexts:',
        '  c: { attachTo: { labels: [cor] } }',
        'stacks:',
        '  network: { runner: command, path: network, labels: [prod, core], commands: { apply: "true" } }',
        '',
      ].join('\n'),
      ['network'],
    );
    const result = runStackfleet(['list', '--exclude', 'netwrk'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('network\n');
    expect(result.stderr).toBe(
      [
        'warning: settings.limits: no stack carries label "prd" (did you mean "prod"?)',
        'warning: contexts.c.attachTo: no stack carries label "cor" (did you mean "core"?)',
        'warning: no stack matches --exclude "netwrk" (did you mean "network"?)',
        '',
      ].join('\n'),
    );
    // A --stack pattern with wildcards that matches nothing warns; a bare name still fails (a typo).
    const pattern = runStackfleet(['list', '--stack', 'network', '--stack', 'netwrk*'], { cwd: dir });
    expect([pattern.code, pattern.stdout]).toEqual([0, 'network\n']);
    expect(pattern.stderr).toContain('warning: no stack matches --stack "netwrk*" (did you mean "network"?)');
    expect(runStackfleet(['list', '--stack', 'netwrk'], { cwd: dir }).code).toBe(1);
  });

  it('plan --detailed-exitcode counts a command stack without commands.plan as unknown, not as changes', () => {
    const dir = fleet(
      [
        'version: 1',
        'stacks:',
        '  blind: { runner: command, path: blind, commands: { apply: "true" } }',
        '  seeing: { runner: command, path: seeing, commands: { apply: "true", plan: "test -f ../dirty && exit 2 || exit 0" } }',
        '',
      ].join('\n'),
      ['blind', 'seeing'],
    );
    const clean = runStackfleet(['plan', '--detailed-exitcode'], { cwd: dir });
    expect(clean.code).toBe(0);
    expect(clean.stderr).toContain('note: blind: no commands.plan, so changes are unknown');
    writeFileSync(join(dir, 'dirty'), '');
    expect(runStackfleet(['plan', '--detailed-exitcode'], { cwd: dir }).code).toBe(2);
  });

  it('`ui` without a terminal on stdin exits 1 with a clear message', () => {
    const dir = simpleFleet();
    const ui = runStackfleet(['ui'], { cwd: dir });
    expect(ui.code).toBe(1);
    expect(ui.stderr).toContain('ui needs an interactive terminal, but stdin is not a TTY');
  });
});

describe('retention: gc and the cleanup after each run', () => {
  it('keeps settings.retention.runs run directories, removes leftover plan files and reports what went', () => {
    const manifest = (runs: number) =>
      ['version: 1', 'settings:', `  retention: { age: 7d, runs: ${runs} }`, 'stacks:', '  a:', '    runner: command', '    path: a', '    commands: { apply: "echo hi" }', ''].join('\n');
    const dir = fleet(manifest(2), ['a']);
    const runDirs = () => readdirSync(join(dir, '.stackfleet/runs')).sort();
    for (let index = 0; index < 3; index += 1) expect(runStackfleet(['apply', '--auto-approve'], { cwd: dir }).code).toBe(0);
    // Oldest first. `history` lists newest first; run ids of one second do not sort by time.
    const ids = runStackfleet(['history', '--json'], { cwd: dir }).stdout.trim().split('\n').map((line) => (JSON.parse(line) as { id: string }).id).reverse();
    expect(ids).toHaveLength(3);
    expect(runDirs()).toEqual(ids.slice(1).sort());

    writeFileSync(join(dir, 'stacks.yaml'), manifest(1));
    mkdirSync(join(dir, '.stackfleet/runs', ids[2]!, 'work/a'), { recursive: true });
    writeFileSync(join(dir, '.stackfleet/runs', ids[2]!, 'work/a/a.tfplan'), 'secret');
    const dry = runStackfleet(['gc', '--dry-run'], { cwd: dir });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`would remove 1 run log directory, 1 plan file(s), 0 repo checkout(s)\n  run ${ids[1]}\n`);
    expect(runDirs()).toEqual(ids.slice(1).sort());
    const gc = runStackfleet(['gc', '--json'], { cwd: dir });
    expect(gc.code).toBe(0);
    expect(JSON.parse(gc.stdout)).toEqual({ runs: [ids[1]], planFiles: [join(dir, '.stackfleet/runs', ids[2]!, 'work/a/a.tfplan')], storedPlanFiles: 0, checkouts: [], keptCheckouts: [] });
    expect(runDirs()).toEqual([ids[2]]);
    expect(existsSync(join(dir, '.stackfleet/runs', ids[2]!, 'work/a/a.tfplan'))).toBe(false);
  });

  it('the cleanup after a run removes the expired run without looking into kept ones; `stackfleet gc` still finds everything', () => {
    const manifest = ['version: 1', 'settings:', '  retention: { age: 7d, runs: 2 }', 'stacks:', '  a:', '    runner: command', '    path: a', '    commands: { apply: "echo hi" }', ''].join('\n');
    const dir = fleet(manifest, ['a']);
    const stateDir = join(dir, '.stackfleet');
    for (let index = 0; index < 2; index += 1) expect(runStackfleet(['apply', '--auto-approve'], { cwd: dir }).code).toBe(0);
    const [kept, expiring] = runStackfleet(['history', '--json'], { cwd: dir }).stdout.trim().split('\n').map((line) => (JSON.parse(line) as { id: string }).id);
    // Leftovers the after-run cleanup must not go looking for: a plan file in
    // a kept run finished before the last cleanup, an old per-sha checkout of
    // an earlier version (scanned at most once a day).
    const leftover = join(stateDir, 'runs', kept!, 'work/a/a.tfplan');
    mkdirSync(join(leftover, '..'), { recursive: true });
    writeFileSync(leftover, 'secret');
    const checkout = join(stateDir, 'worktrees/payments/abc123');
    mkdirSync(checkout, { recursive: true });
    utimesSync(checkout, new Date('2020-01-01'), new Date('2020-01-01'));
    // As if the last cleanup ran well after both runs finished (the clock moving on past the margin).
    const marker = JSON.parse(readFileSync(join(stateDir, 'gc.json'), 'utf8')) as { planFilesSweptAt: string; checkoutsScannedAt: string };
    expect(statSync(join(stateDir, 'gc.json')).mode & 0o777).toBe(0o600);
    writeFileSync(join(stateDir, 'gc.json'), JSON.stringify({ ...marker, planFilesSweptAt: new Date(Date.now() + 3_600_000).toISOString() }));

    const apply = runStackfleet(['apply', '--auto-approve'], { cwd: dir });
    expect(apply.code).toBe(0);
    expect(apply.stderr).toContain('gc: removed 1 old run(s), 0 plan file(s), 0 checkout(s) (settings.retention)');
    const runs = readdirSync(join(stateDir, 'runs'));
    expect(runs).toContain(kept);
    expect(runs).not.toContain(expiring);
    expect(existsSync(leftover)).toBe(true);
    expect(existsSync(checkout)).toBe(true);

    const gc = runStackfleet(['gc', '--json'], { cwd: dir });
    expect(gc.code).toBe(0);
    expect(JSON.parse(gc.stdout)).toEqual({ runs: [], planFiles: [leftover], storedPlanFiles: 0, checkouts: [checkout], keptCheckouts: [] });
    expect(existsSync(leftover)).toBe(false);
    expect(existsSync(checkout)).toBe(false);
  });
});

describe('the README tour', () => {
  it('runs on a fresh copy of the example fleet, and its comments match the real output', () => {
    const { dir, cleanup } = makeTempDir();
    cleanups.push(cleanup);
    copyExampleFleet(dir);
    gitInit(dir);
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const tour = readme.slice(readme.indexOf('## A tour'));
    const block = tour.slice(tour.indexOf('```sh\n') + 6, tour.indexOf('```', tour.indexOf('```sh\n') + 6));
    const steps = block
      .trim()
      .split('\n')
      .map((line) => /^npx stackfleet(?<args>[^#]*)#\s*(?<comment>.*)$/.exec(line)!.groups!)
      .map(({ args, comment }) => ({ args: args!.trim().split(/\s+/).filter((word) => word !== ''), comment: comment! }))
      // The bare command opens the UI, which needs a terminal.
      .filter((step) => step.args.length > 0);
    expect(steps.length).toBeGreaterThan(10);
    for (const step of steps) {
      const result = runStackfleet(step.args, { cwd: dir });
      const label = `stackfleet ${step.args.join(' ')}`;
      if (step.args[0] === 'drift' && step.args.length === 1) expect([label, [0, 2].includes(result.code ?? -1)]).toEqual([label, true]);
      else expect([label, result.code, result.stderr]).toEqual([label, 0, expect.any(String)]);
      if (step.args[0] === 'validate') expect(result.stdout.trim()).toBe(step.comment);
      if (step.args[0] === 'list') expect(result.stdout.trim().split('\n').join(', ')).toBe(step.comment);
      if (step.args[0] === 'outputs') expect(result.stdout).toContain(step.comment.replace(/ \(sensitive\)$/, ''));
    }
  });
});
