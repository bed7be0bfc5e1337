import { readdirSync, readFileSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitSandbox, SANDBOX_GIT_ENV, type GitSandbox } from '@stackfleet/test-utils';
import { parseJsonLines, repoRoot, runStackfleet } from '../support/cli.js';

/**
 * `affected` and `--affected` through the built CLI, on real git repositories:
 * a fleet repo plus a platform repo with two levels of local modules.
 */
describe('affected stacks across repositories', () => {
  let sandbox: GitSandbox;
  let base: string;
  const run = (args: string[]) => runStackfleet(args, { cwd: sandbox.dir('fleet'), env: SANDBOX_GIT_ENV });

  beforeAll(async () => {
    sandbox = await createGitSandbox({
      repos: {
        platform: {
          files: {
            'modules/vpc/main.tf': 'resource "terraform_data" "vpc" {}\n',
            'modules/net/main.tf': 'module "vpc" {\n  source = "../vpc"\n}\n',
            'stacks/network/main.tf': 'module "net" {\n  source = "../../modules/net"\n}\n',
            'stacks/dns/run.sh': 'echo dns\n',
          },
        },
      },
      fleet: {
        files: {
          'stacks.yaml': [
            'version: 1',
            'repos:',
            '  platform: { url: ../platform }',
            'variables: { region: eu-west-1 }',
            'stacks:',
            '  network: { repo: platform, path: stacks/network }   # terraform: its module sources are followed',
            '  dns: { repo: platform, path: stacks/dns, runner: command, commands: { apply: "true" } }',
            '  app:',
            '    path: app',
            '    runner: command',
            '    dependsOn: [network]',
            '    commands: { apply: "true" }',
            '  smoke: { path: smoke, runner: command, dependsOn: [app], commands: { apply: "true" }, watch: ["checks/**"] }',
            '  docs: { path: docs, runner: command, after: [app], commands: { apply: "true" } }',
            '',
          ].join('\n'),
          'app/main.sh': 'echo app\n',
          'smoke/check.sh': 'echo ok\n',
          'docs/build.sh': 'echo docs\n',
          'checks/readme.md': 'checks\n',
        },
      },
    });
    // A second commit in each repo that touches no stack: on the default branch
    // the base is HEAD~1, so "nothing changed" must really mean nothing.
    await sandbox.commit('platform', { 'README.md': 'platform\n' }, 'readme');
    base = await sandbox.commit('fleet', { 'README.md': 'fleet\n' }, 'readme');
  }, 60_000);
  afterAll(() => sandbox.cleanup());

  it('reports nothing when nothing changed', () => {
    const result = run(['affected', '--base', base]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
  });

  it('follows a module change through two levels of local modules to its stack and dependents, with --why', async () => {
    // A feature branch in the platform repo: its base is the merge-base with main.
    await sandbox.branch('platform', 'feature');
    await sandbox.commit('platform', { 'modules/vpc/main.tf': 'resource "terraform_data" "vpc" { input = 2 }\n' }, 'vpc change');
    const result = run(['affected', '--why']);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines.map((line) => line.split(':')[0])).toEqual(['network', 'app', 'smoke']);
    expect(lines[0]).toMatch(/^network: platform:modules\/vpc\/main\.tf changed \(module source/);
    expect(lines[2]).toMatch(/^smoke: depends on app; app: depends on network; network: /);
    // `after` is ordering only: docs is not pulled in.
    expect(result.stdout).not.toContain('docs');
    expect(run(['affected', '--no-dependents']).stdout).toBe('network\n');
    await sandbox.checkout('platform', 'main');
    expect(run(['affected']).stdout).toBe('');
  });

  it('maps watch globs, uncommitted and untracked files, and manifest edits; --affected selects them for a run', async () => {
    await sandbox.write('fleet', { 'checks/new-check.md': 'new\n' });
    const watched = run(['affected', '--base', base, '--json']);
    const entries = parseJsonLines(watched.stdout);
    expect(entries.find((entry) => entry.stack === 'smoke')).toMatchObject({ reason: expect.stringContaining('checks/new-check.md') });
    await sandbox.commit('fleet', { 'checks/new-check.md': null }, 'drop check');

    const beforeEdit = (await sandbox.git('fleet', ['rev-parse', 'HEAD'])).trim();
    const manifest = (await sandbox.git('fleet', ['show', 'HEAD:stacks.yaml'])).replace('region: eu-west-1', 'region: us-east-1');
    await sandbox.commit('fleet', { 'stacks.yaml': manifest.replace('dependsOn: [network]', 'dependsOn: [network]\n    env: { REGION: "${{ vars.region }}" }') }, 'edit');
    const edited = run(['affected', '--base', beforeEdit, '--why']);
    // Every variable reaches a command stack's environment, so all of them
    // consume region; network (terraform) declares no `variable "region"`.
    expect(edited.stdout).toMatch(/^app: variable region: eu-west-1 -> us-east-1 \(via region\) \(and 1 more\)$/m);
    expect(edited.stdout).toContain('smoke: variable region: eu-west-1 -> us-east-1 (via region)');
    expect(edited.stdout).not.toContain('network');

    const plan = run(['plan', '--affected', '--base', beforeEdit, '--json']);
    expect(plan.code, plan.stderr).toBe(0);
    const started = parseJsonLines(plan.stdout).find((event) => event.type === 'run.started');
    expect(started?.stacks).toEqual(['app', 'dns', 'docs', 'smoke']);
  });

  it('rejects a base ref that does not exist, naming the ref', () => {
    const result = run(['affected', '--base', 'no-such-ref']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no-such-ref');
    expect(result.stderr).toContain('git fetch');
  });
});

/**
 * Issue #11.1: affected is decided on resolved inputs. The README's own example
 * fleet, applied, then `variables.environment` edited: terraform's `network`
 * declares `variable "environment"`, so it is affected (it was left out when
 * only literal `${{ vars.X }}` counted), and `plan --affected` plans it.
 */
describe('affected on resolved inputs: the README example fleet', () => {
  let sandbox: GitSandbox;
  const exampleFiles = (): Record<string, string> => {
    const files: Record<string, string> = { 'stacks.yaml': readFileSync(join(repoRoot, 'stacks.yaml'), 'utf8') };
    // stacks.yaml names policies/blast-radius.policy.yaml: runs read it.
    for (const file of readdirSync(join(repoRoot, 'policies')).filter((name) => name.endsWith('.yaml'))) {
      files[`policies/${file}`] = readFileSync(join(repoRoot, 'policies', file), 'utf8');
    }
    for (const dir of readdirSync(join(repoRoot, 'examples'))) {
      for (const file of readdirSync(join(repoRoot, 'examples', dir))) {
        files[`examples/${dir}/${file}`] = readFileSync(join(repoRoot, 'examples', dir, file), 'utf8');
      }
    }
    return { ...files, '.gitignore': '.stackfleet/\n.terraform/\n*.tfstate*\n.terraform.lock.hcl\n.dns-state\n' };
  };
  const run = (args: string[]) => runStackfleet(args, { cwd: sandbox.dir('fleet'), env: SANDBOX_GIT_ENV });

  beforeAll(async () => {
    sandbox = await createGitSandbox({ fleet: { files: exampleFiles() } });
    await chmod(join(sandbox.dir('fleet'), 'examples/dns/dns.sh'), 0o755);
    await chmod(join(sandbox.dir('fleet'), 'examples/smoke/check.sh'), 0o755);
    await sandbox.commit('fleet', {}, 'executable scripts');
  }, 60_000);
  afterAll(() => sandbox.cleanup());

  it('makes network affected by variables.environment, with --why, and plan --affected plans it', async () => {
    const apply = run(['apply', '--auto-approve']);
    expect(apply.code, apply.stderr).toBe(0);
    const base = (await sandbox.git('fleet', ['rev-parse', 'HEAD'])).trim();
    const manifest = readFileSync(join(sandbox.dir('fleet'), 'stacks.yaml'), 'utf8');
    expect(manifest).toContain('  environment: dev\n');
    await sandbox.commit('fleet', { 'stacks.yaml': manifest.replace('  environment: dev\n', '  environment: staging\n') }, 'staging');

    const why = run(['affected', '--base', base, '--why', '--no-dependents']);
    expect(why.code, why.stderr).toBe(0);
    // database and app get `environment: prod` from the prod context: their inputs did not change.
    // The command stacks see every variable in their environment (dns also reads it in env ZONE).
    expect(why.stdout).toBe([
      'network: variable environment: dev -> staging (via TF_VAR_environment)',
      'dns: variable environment: dev -> staging (via environment) (and 1 more)',
      'smoke: variable environment: dev -> staging (via environment)',
      '',
    ].join('\n'));

    const plan = run(['plan', '--affected', '--base', base, '--no-dependents', '--json']);
    expect(plan.code, plan.stderr).toBe(0);
    const events = parseJsonLines(plan.stdout);
    expect(events.find((event) => event.type === 'run.started')?.stacks).toEqual(['network', 'dns', 'smoke']);
    // The plan agrees: network's resources change with the variable.
    expect(events.find((event) => event.type === 'stack.finished' && event.stack === 'network')?.status).toBe('changed');
  }, 180_000);
});
