import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createGitSandbox, SANDBOX_GIT_ENV, type GitSandbox, type SandboxFiles } from '@stackfleet/test-utils';
import { cliBin, parseJsonLines, runStackfleet, startStackfleet } from '../support/cli.js';

/**
 * Stacks from `repos:` git URLs (`file://` remotes), through the built CLI:
 * what counts as affected on a branch-tracking repo, where the stacks run,
 * and what is checked before anything runs there.
 */
let sandbox: GitSandbox | undefined;
afterEach(async () => {
  await sandbox?.cleanup();
  sandbox = undefined;
});

const short = (sha: string) => sha.slice(0, 7);

/** A remote `services` repo and a fleet repo tracking its `main`; the fleet's own history touches no stack. */
async function createFleet(services: SandboxFiles, stacks: string[], fleetFiles: SandboxFiles = {}): Promise<GitSandbox> {
  const box = await createGitSandbox({ repos: { services: { files: services } }, fleet: { files: { '.gitignore': '.stackfleet/\n' } } });
  sandbox = box;
  const manifest = ['version: 1', 'repos:', `  services: { url: "file://${box.dir('services')}", ref: main }`, 'stacks:', ...stacks, ''].join('\n');
  await box.commit('fleet', { 'stacks.yaml': manifest, ...fleetFiles }, 'fleet');
  await box.commit('fleet', { 'README.md': 'fleet\n' }, 'readme');
  return box;
}

const run = (box: GitSandbox, args: string[], cwd = box.dir('fleet')) => runStackfleet(args, { cwd, env: SANDBOX_GIT_ENV });
const head = async (box: GitSandbox, repo: string) => (await box.git(repo, ['rev-parse', 'HEAD'])).trim();

describe('a remote repo that tracks a branch', () => {
  it('compares each stack with the sha of its last apply: first run affected, applied head not, a new commit only where it touches', async () => {
    const box = await createFleet({ 'db/main.sh': 'echo db\n', 'web/main.sh': 'echo web\n' }, [
      '  db: { repo: services, path: db, runner: command, commands: { apply: "sh main.sh" } }',
      '  web: { repo: services, path: web, runner: command, commands: { apply: "sh main.sh" } }',
    ]);
    const first = await head(box, 'services');
    const never = run(box, ['affected', '--why']);
    expect(never.code, never.stderr).toBe(0);
    expect(never.stdout).toBe([
      `db: repo services: never applied; now at main (${short(first)})`,
      `web: repo services: never applied; now at main (${short(first)})`,
      '',
    ].join('\n'));

    const applied = run(box, ['apply', '--auto-approve']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(run(box, ['affected']).stdout).toBe('');

    const second = await box.commit('services', { 'db/main.sh': 'echo db v2\n' }, 'db change');
    const moved = run(box, ['affected', '--why']);
    expect(moved.code, moved.stderr).toBe(0);
    expect(moved.stdout).toBe(`db: repo services: main moved ${short(first)} -> ${short(second)} since the last apply; db/main.sh changed\n`);

    const again = run(box, ['apply', '--affected', '--auto-approve', '--json']);
    expect(again.code, again.stderr).toBe(0);
    const started = parseJsonLines(again.stdout).find((event) => event.type === 'run.started');
    expect(started?.stacks).toEqual(['db']);
    // web was applied at the first sha and nothing of it changed since: still not affected.
    expect(run(box, ['affected']).stdout).toBe('');
  }, 60_000);
});

describe('the working directory of a remote repo', () => {
  it('keeps terraform state across a comment-only commit: plan --detailed-exitcode exits 0', async () => {
    const box = await createFleet(
      { 'net/main.tf': 'resource "terraform_data" "net" {\n  input = "10.0.0.0/16"\n}\n' },
      ['  net: { repo: services, path: net }'],
    );
    const applied = run(box, ['apply', '--auto-approve']);
    expect(applied.code, applied.stderr).toBe(0);
    await box.commit('services', { 'net/main.tf': '# the network\nresource "terraform_data" "net" {\n  input = "10.0.0.0/16"\n}\n' }, 'comment');
    const plan = run(box, ['plan', '--detailed-exitcode']);
    expect(plan.code, `${plan.stdout}\n${plan.stderr}`).toBe(0);
  }, 120_000);

  it('makes a run that needs another sha wait for the run holding it, and says so', async () => {
    const box = await createFleet({ 'slow/main.sh': 'true\n' }, [
      '  slow: { repo: services, path: slow, runner: command, commands: { apply: "sh main.sh" } }',
    ]);
    // The first run's stack holds on until the second run has said that it waits.
    const release = join(box.root, 'release');
    await box.commit('services', { 'slow/main.sh': `echo v1 > seen.txt\nwhile [ ! -f ${release} ]; do sleep 0.1; done\ncat seen.txt\n` }, 'v1');
    const env = SANDBOX_GIT_ENV;
    const first = startStackfleet(['apply', '--auto-approve'], { cwd: box.dir('fleet'), env });
    // Whatever happens below, the stack's loop ends (no process outlives the test).
    const stop = setTimeout(() => writeFileSync(release, ''), 60_000);
    const until = async (predicate: () => boolean, what: string) => {
      const deadline = Date.now() + 30_000;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    await until(() => existsSync(join(box.dir('fleet'), '.stackfleet/checkouts/services/slow/seen.txt')), 'the first run to start its stack');
    await box.commit('services', { 'slow/main.sh': 'echo v2\n' }, 'v2');
    const second = startStackfleet(['apply', '--auto-approve'], { cwd: box.dir('fleet'), env });
    await until(() => second.output().stderr.includes('waiting for it to finish'), 'the second run to wait');
    expect(second.output().stderr).toMatch(/repo services: working directory .*checkouts\/services is at [0-9a-f]{7} for another run \(pid \d+ on .*\); waiting for it to finish before moving it to [0-9a-f]{7}/);
    writeFileSync(release, '');
    const firstResult = await first.done;
    expect(firstResult.code, firstResult.stderr).toBe(0);
    // The first run's files did not change under it.
    expect(firstResult.stdout).toContain('v1');
    const secondResult = await second.done;
    expect(secondResult.code, secondResult.stderr).toBe(0);
    expect(secondResult.stdout).toContain('v2');
    clearTimeout(stop);
  }, 90_000);
});

describe('stack paths in a remote repo are checked after checkout', () => {
  it('reports a path that does not exist at the resolved sha with its manifest location', async () => {
    const box = await createFleet({ 'db/main.sh': 'echo db\n' }, [
      '  db: { repo: services, path: nonexistent, runner: command, commands: { apply: "true" } }',
    ]);
    const sha = await head(box, 'services');
    const result = run(box, ['apply', '--auto-approve']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`stacks.yaml:5:31 stacks.db.path: "nonexistent" does not exist in repo services at main (${short(sha)})`);
    expect(result.stderr).not.toContain('ENOENT');
  }, 60_000);

  it('refuses committed symlinks out of the checkout before anything runs there', async () => {
    const host = mkdtempSync(join(tmpdir(), 'stackfleet-host-'));
    try {
      const box = await createFleet({ 'README.md': 'services\n' }, [
        '  evil: { repo: services, path: stacks/evil, runner: command, commands: { apply: "touch pwned" } }',
        '  up: { repo: services, path: stacks/up, runner: command, commands: { apply: "touch pwned" } }',
      ]);
      await box.write('services', { 'stacks/.keep': '' });
      symlinkSync(host, join(box.dir('services'), 'stacks/evil'));
      symlinkSync('../../..', join(box.dir('services'), 'stacks/up'));
      await box.commit('services', {}, 'links');
      const result = run(box, ['apply', '--auto-approve']);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/stacks\.evil\.path: path "stacks\/evil" resolves through a symlink to .*, outside repo services at main/);
      expect(result.stderr).toMatch(/stacks\.up\.path: path "stacks\/up" resolves through a symlink to .*, outside repo services at main/);
      expect(existsSync(join(host, 'pwned'))).toBe(false);
      expect(existsSync(join(box.dir('fleet'), '.stackfleet', 'pwned'))).toBe(false);
    } finally {
      rmSync(host, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('a ref on a local-path repo', () => {
  it('is a validation error with its location and a hint, not a deploy of the working tree', async () => {
    const box = await createGitSandbox({ repos: { localrepo: { files: { 'app/run.sh': 'echo v1\n' } } }, fleet: { files: {} } });
    sandbox = box;
    await box.tag('localrepo', 'v1');
    await box.commit('localrepo', { 'app/run.sh': 'echo v2\n' });
    await box.commit('fleet', {
      'stacks.yaml': ['version: 1', 'repos:', '  lr: { url: ../localrepo, ref: v1 }', 'stacks:', '  app: { repo: lr, path: app, runner: command, commands: { apply: "sh run.sh" } }', ''].join('\n'),
    });
    for (const args of [['validate'], ['apply', '--auto-approve']]) {
      const result = run(box, args);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/stacks\.yaml:3:\d+ repos\.lr\.ref: ref "v1" on local repo lr \(\.\.\/localrepo\) is not supported/);
      expect(result.stderr).toContain('file://');
      expect(result.stdout).not.toContain('v2');
    }
  }, 60_000);
});

describe('a shallow clone', () => {
  it('fails with a hint instead of calling every file added, unless --base resolves', async () => {
    const box = await createGitSandbox({
      fleet: { files: { 'stacks.yaml': 'version: 1\nstacks:\n  a: { path: a, runner: command, commands: { apply: "true" } }\n', 'a/run.sh': 'true\n' } },
    });
    sandbox = box;
    await box.commit('fleet', { 'README.md': 'one\n' });
    await box.commit('fleet', { 'README.md': 'two\n' });
    const clone = spawnSync('git', ['clone', '--quiet', '--depth', '1', `file://${box.dir('fleet')}`, join(box.root, 'shallow')], {
      env: { ...process.env, ...SANDBOX_GIT_ENV }, encoding: 'utf8',
    });
    expect(clone.status, clone.stderr).toBe(0);
    const shallow = join(box.root, 'shallow');
    const result = run(box, ['affected'], shallow);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('is a shallow clone');
    expect(result.stderr).toContain('fetch-depth: 0');
    expect(result.stderr).toContain('git fetch --deepen');
    expect(run(box, ['plan', '--affected'], shallow).code).toBe(1);
    const withBase = run(box, ['affected', '--base', 'HEAD'], shallow);
    expect(withBase.code, withBase.stderr).toBe(0);
    expect(withBase.stdout).toBe('');
  }, 60_000);
});

describe('module tracking', () => {
  it('follows module sources of a command stack that wraps terraform', async () => {
    const box = await createGitSandbox({
      fleet: {
        files: {
          'stacks.yaml': 'version: 1\nstacks:\n  wrapped: { path: stacks/wrapped, runner: command, commands: { apply: "terraform apply" } }\n',
          'stacks/wrapped/main.tf': 'module "vpc" {\n  source = "../../modules/vpc"\n}\n',
          'modules/vpc/main.tf': 'resource "terraform_data" "vpc" {}\n',
        },
      },
    });
    sandbox = box;
    await box.commit('fleet', { 'README.md': 'readme\n' });
    await box.branch('fleet', 'feature');
    await box.commit('fleet', { 'modules/vpc/main.tf': 'resource "terraform_data" "vpc" { input = 2 }\n' });
    const result = run(box, ['affected', '--why']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('wrapped: modules/vpc/main.tf changed (module source ../../modules/vpc)\n');
  }, 60_000);
});

const hasTmux = spawnSync('tmux', ['-V']).status === 0;

describe.skipIf(!hasTmux)('the terminal UI on a remote-repo stack', () => {
  const server = `sf-remote-${process.pid}`;
  const tmux = (...args: string[]) => spawnSync('tmux', ['-L', server, ...args], { encoding: 'utf8' }).stdout;
  afterEach(() => {
    tmux('kill-server');
  });
  async function waitFor(predicate: (text: string) => boolean, what: string): Promise<string> {
    const deadline = Date.now() + 20_000;
    let text = '';
    while (Date.now() < deadline) {
      text = tmux('capture-pane', '-p', '-t', server);
      if (predicate(text)) return text;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`timed out waiting for ${what}; screen was:\n${text}`);
  }

  it('shows its details, and no DRIFTED badge once it was applied after the drift check', async () => {
    const box = await createFleet({ 'web/main.sh': 'echo web\n' }, [
      '  web: { repo: services, path: web, runner: command, env: { GREETING: hello }, commands: { plan: "exit 2", apply: "sh main.sh" } }',
    ]);
    const drift = run(box, ['drift']);
    expect(drift.stdout + drift.stderr).toMatch(/1 drifted/);
    const applied = run(box, ['apply', '--auto-approve']);
    expect(applied.code, applied.stderr).toBe(0);
    const env = Object.entries(SANDBOX_GIT_ENV).map(([key, value]) => `${key}=${value}`).join(' ');
    const script = `cd ${box.dir('fleet')} && env -u CI NO_COLOR=1 TERM=xterm-256color ${env} ${process.execPath} ${cliBin}; sleep 30`;
    tmux('new-session', '-d', '-s', server, '-x', '120', '-y', '30', script);
    const fleet = await waitFor((text) => text.includes('1/1 stacks'), 'the fleet view');
    expect(fleet).toContain('web');
    expect(fleet).not.toContain('DRIFTED');
    tmux('send-keys', '-t', server, 'Enter');
    const details = await waitFor((text) => text.includes('Settings ('), 'the details');
    expect(details).toMatch(/env\.GREETING\s+= hello/);
    expect(details).not.toContain('has no checkout');
    tmux('send-keys', '-t', server, 'q');
    tmux('send-keys', '-t', server, 'q');
  }, 60_000);
});
