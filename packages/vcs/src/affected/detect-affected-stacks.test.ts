import { explainAffected, parseManifest, selectAffectedDependents } from '@stackfleet/core';
import { createGitSandbox, parseTestManifest, type GitSandbox, type RawManifest } from '@stackfleet/test-utils';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openBaseManifestCache } from './base-manifest-cache.js';
import { detectAffectedStacks } from './detect-affected-stacks.js';

const fleetManifest: RawManifest = {
  repos: { platform: { name: 'platform', url: '../platform' }, payments: { name: 'payments', url: '../payments' } },
  variables: { region: 'eu-west-1', size: 'small' },
  contexts: {
    prod: { name: 'prod', priority: 10, attachTo: { labels: ['prod'] }, env: { R: '${{ vars.region }}' }, vars: {}, secrets: {}, files: {}, hooks: {} },
  },
  stacks: {
    network: { repo: 'platform', path: 'stacks/network' },
    dns: { repo: 'platform', path: 'stacks/dns', watch: ['zones/*.json'] },
    app: { repo: 'payments', path: 'stacks/app', labels: ['prod'], dependsOn: [{ stack: 'network', outputs: {} }] },
    smoke: { path: 'checks/smoke', runner: 'command', dependsOn: [{ stack: 'app', outputs: {} }] },
    sized: { path: 'stacks/sized', vars: { sizing: '${{ vars.size }}' } },
    old: { path: 'stacks/old' },
  },
};

const tf = (body: string) => `${body}\n`;

let sandbox: GitSandbox | undefined;
afterEach(async () => { await sandbox?.cleanup(); sandbox = undefined; });

async function createFleet(): Promise<GitSandbox> {
  sandbox = await createGitSandbox({
    repos: {
      platform: { files: {
        'stacks/network/main.tf': tf('module "app" {\n  source = "../../modules/app"\n}'),
        'stacks/dns/main.tf': tf('resource "terraform_data" "z" {}\nvariable "ttl" {}'),
        'modules/app/main.tf': tf('module "vpc" {\n  source = "../vpc"\n}'),
        'modules/vpc/main.tf': tf('module "loop" {\n  source = "../app"\n}'),
        'zones/a.json': '{}',
      } },
      payments: { files: { 'stacks/app/main.tf': tf('resource "terraform_data" "a" {}') } },
    },
    fleet: { files: {
      'stacks.yaml': JSON.stringify(fleetManifest, null, 2),
      'checks/smoke/check.sh': 'exit 0\n',
      'stacks/sized/main.tf': 'variable "sizing" {}\n',
      'stacks/old/main.tf': '',
    } },
  });
  for (const repo of ['fleet', 'platform', 'payments']) await sandbox.branch(repo, 'feature');
  return sandbox;
}

async function detect(box: GitSandbox, options: { base?: string; head?: string } = {}) {
  const loaded = parseTestManifest(await box.git('fleet', ['show', 'HEAD:stacks.yaml']).catch(() => ''));
  return detectAffectedStacks(loaded, {
    manifestPath: 'stacks.yaml', manifestDir: box.dir('fleet'), stateDir: join(box.root, 'state'),
    parseManifest: parseTestManifest, ...options,
  });
}

function upstreamsOf(name: string): string[] {
  return (fleetManifest.stacks[name]?.dependsOn ?? []).map((edge) => edge.stack);
}

describe('detectAffectedStacks', () => {
  it('a change in one repo affects only its stacks, plus dependents across repos', async () => {
    const box = await createFleet();
    await box.commit('platform', { 'stacks/network/main.tf': tf('module "app" {\n  source = "../../modules/app"\n}\n# v2') });
    const result = await detect(box);
    expect(Object.fromEntries(result.affected)).toEqual({ network: 'platform:stacks/network/main.tf changed' });
    const all = selectAffectedDependents(result.affected, Object.keys(fleetManifest.stacks), upstreamsOf);
    expect([...all.keys()]).toEqual(['network', 'app', 'smoke']);
    expect(explainAffected('smoke', all)).toBe(
      'smoke: depends on app; app: depends on network; network: platform:stacks/network/main.tf changed',
    );
    expect(result.base.platform).toMatch(/^[0-9a-f]{40}$/);
    expect(result.head['']).toBe('WORKTREE');
  });

  it('tracks a module change through two levels of local modules (and a cycle)', async () => {
    const box = await createFleet();
    await box.commit('platform', { 'modules/vpc/variables.tf': 'variable "cidr" {}\n' });
    const result = await detect(box);
    expect(Object.fromEntries(result.affected)).toEqual({
      network: 'platform:modules/vpc/variables.tf added (module source ../../modules/app -> ../vpc)',
    });
  });

  it('matches watch globs in the stack repo', async () => {
    const box = await createFleet();
    await box.commit('platform', { 'zones/a.json': '{"a":1}', 'zones/deep/b.json': '{}' });
    const result = await detect(box);
    expect(Object.fromEntries(result.affected)).toEqual({ dns: 'platform:zones/a.json changed (watch zones/*.json)' });
  });

  it('reads manifest edits: stack definition, context, variable, deleted stack', async () => {
    const box = await createFleet();
    const edited = structuredClone(fleetManifest);
    edited.variables = { region: 'eu-west-1', size: 'large' };
    edited.contexts!.prod!.env = { R: '${{ vars.region }}', EXTRA: '1' };
    edited.stacks.dns!.vars = { ttl: 60 };
    delete edited.stacks.old;
    await box.commit('fleet', { 'stacks.yaml': JSON.stringify(edited, null, 2) });
    const result = await detect(box);
    // Decided on resolved inputs: app gets the new context env (it declares no
    // variable), dns declares ttl, sized declares sizing (read from size), and
    // the command stack smoke sees every variable in its environment.
    expect(Object.fromEntries(result.affected)).toEqual({
      app: 'env EXTRA: (unset) -> 1',
      dns: 'variable ttl: (unset) -> 60 (via TF_VAR_ttl)',
      sized: 'variable sizing: small -> large (via TF_VAR_sizing)',
      smoke: 'variable size: small -> large (via size)',
    });
    expect(result.deleted).toEqual(['old']);
  });

  it('treats every stack as affected when the base manifest does not parse', async () => {
    const box = await createFleet();
    await box.checkout('fleet', 'main');
    await box.commit('fleet', { 'stacks.yaml': '{ not json' });
    await box.checkout('fleet', 'feature');
    await box.git('fleet', ['reset', '--quiet', '--soft', 'main']);
    await box.commit('fleet', { 'stacks.yaml': JSON.stringify(fleetManifest) });
    const result = await detect(box, { base: 'HEAD~1' });
    expect(result.affected.size).toBe(Object.keys(fleetManifest.stacks).length);
    expect(result.notes.join('\n')).toMatch(/does not parse/);
  });

  it('includes uncommitted and untracked files, and says so', async () => {
    const box = await createFleet();
    await box.write('fleet', { 'stacks/sized/main.tf': 'changed\n', 'checks/smoke/new.sh': 'x\n' });
    await box.write('payments', { 'stacks/app/.gitignore': 'ignored.txt\n' });
    await box.commit('payments', {});
    await box.write('payments', { 'stacks/app/ignored.txt': 'x' });
    const result = await detect(box);
    expect(Object.fromEntries(result.affected)).toEqual({
      sized: 'stacks/sized/main.tf changed',
      smoke: 'checks/smoke/new.sh added',
      app: 'payments:stacks/app/.gitignore added',
    });
    expect(result.notes).toContain('this repo: including uncommitted and untracked files');
    const committedOnly = await detect(box, { head: 'HEAD' });
    expect(committedOnly.affected.has('sized')).toBe(false);
  });

  it('with --head, module sources and variable declarations are read from that commit, not the working tree', async () => {
    const box = await createFleet();
    await box.commit('fleet', {
      'stacks/old/main.tf': tf('module "m" {\n  source = "../../modules/shared"\n}'),
      'modules/shared/main.tf': tf('# v1'),
      'modules/other/main.tf': tf('# v1'),
    });
    const base = (await box.git('fleet', ['rev-parse', 'HEAD'])).trim();
    const edited = { ...fleetManifest, variables: { ...fleetManifest.variables, size: 'large' } };
    await box.commit('fleet', {
      'modules/shared/main.tf': tf('# v2'),
      'modules/other/main.tf': tf('# v2'),
      'stacks.yaml': JSON.stringify(edited, null, 2),
    });
    // Uncommitted: `old` stops using the changed module, `sized` starts using
    // another one and no longer declares the variable the manifest edit changes.
    await box.write('fleet', {
      'stacks/old/main.tf': tf('resource "terraform_data" "r" {}'),
      'stacks/sized/main.tf': tf('module "o" {\n  source = "../../modules/other"\n}'),
    });
    const result = await detect(box, { base, head: 'HEAD' });
    expect(result.affected.get('old')).toBe('modules/shared/main.tf changed (module source ../../modules/shared)');
    expect(result.affected.get('sized')).toBe('variable sizing: small -> large (via TF_VAR_sizing)');
    expect(result.affected.get('smoke')).toMatch(/^variable size: small -> large/);
    expect([...result.affected.keys()].sort()).toEqual(['old', 'sized', 'smoke']);
  });

  it('counts both paths of a rename and deleted files, with an explicit base sha', async () => {
    const box = await createFleet();
    const baseSha = (await box.git('fleet', ['rev-parse', 'HEAD'])).trim();
    const body = 'a long enough body so that git detects the rename\n'.repeat(5);
    await box.commit('fleet', { 'stacks/old/moved.tf': body });
    const middle = (await box.git('fleet', ['rev-parse', 'HEAD'])).trim();
    await box.commit('fleet', { 'stacks/old/moved.tf': null, 'stacks/sized/moved.tf': body, 'checks/smoke/check.sh': null });
    const result = await detect(box, { base: middle, head: 'HEAD' });
    expect(Object.fromEntries(result.affected)).toEqual({
      old: 'stacks/old/moved.tf renamed to stacks/sized/moved.tf',
      sized: 'stacks/old/moved.tf renamed to stacks/sized/moved.tf',
      smoke: 'checks/smoke/check.sh deleted',
    });
    expect(result.base['']).toBe(middle);
    expect(baseSha).not.toBe(middle);
  });
});

describe('detectAffectedStacks with the real manifest parser', () => {
  it('compares stacks.yaml at base with the working copy', async () => {
    const yaml = (size: string) => [
      'version: 1',
      'variables: { size: small, region: eu }',
      'stacks:',
      '  one: { runner: command, path: one, commands: { apply: "true" }, env: { SIZE: "${{ vars.size }}" } }',
      '  two: { runner: command, path: two, commands: { apply: "true" }, env: { R: "${{ vars.region }}" } }',
      '',
    ].join('\n').replace('size: small', `size: ${size}`);
    sandbox = await createGitSandbox({ fleet: { files: { 'infra/stacks.yaml': yaml('small'), 'infra/one/run.sh': '', 'infra/two/run.sh': '' } } });
    await sandbox.branch('fleet', 'feature');
    await sandbox.write('fleet', { 'infra/stacks.yaml': yaml('large') });
    const manifestDir = join(sandbox.dir('fleet'), 'infra');
    const loaded = parseManifest(yaml('large'), 'stacks.yaml');
    const result = await detectAffectedStacks(loaded, { manifestPath: 'stacks.yaml', manifestDir, stateDir: join(sandbox.root, 'state') });
    // Command stacks get every variable in their environment; `one` also reads it in env.
    expect(Object.fromEntries(result.affected)).toEqual({
      one: 'variable size: small -> large (via size) (and 1 more)',
      two: 'variable size: small -> large (via size)',
    });
  });

  it('keeps the manifest at base in the state directory and reads it back on the next run', async () => {
    const yaml = (size: string) => `version: 1\nvariables: { size: ${size} }\nstacks:\n  one: { runner: command, path: one, commands: { apply: "true" } }\n`;
    sandbox = await createGitSandbox({ fleet: { files: { 'stacks.yaml': yaml('small'), 'one/run.sh': '' } } });
    await sandbox.branch('fleet', 'feature');
    await sandbox.write('fleet', { 'stacks.yaml': yaml('large') });
    const stateDir = join(sandbox.root, 'state');
    const options = { manifestPath: 'stacks.yaml', manifestDir: sandbox.dir('fleet'), stateDir };
    const first = await detectAffectedStacks(parseManifest(yaml('large'), 'stacks.yaml'), options);
    expect(Object.fromEntries(first.affected)).toEqual({ one: 'variable size: small -> large (via size)' });
    expect(readdirSync(join(stateDir, 'cache', 'base-manifests'))).toHaveLength(1);

    // The entry is what the next run compares against: one written under the
    // same key with another size proves it is read instead of the file at base.
    const source = `stacks.yaml@${first.base['']!.slice(0, 12)}`;
    const cache = openBaseManifestCache(stateDir, 'stacks.yaml', source, yaml('small'));
    cache.write(parseManifest(yaml('medium'), source).manifest);
    const second = await detectAffectedStacks(parseManifest(yaml('large'), 'stacks.yaml'), options);
    expect(Object.fromEntries(second.affected)).toEqual({ one: 'variable size: medium -> large (via size)' });

    // Another text at base (or a damaged entry) is not served from it.
    expect(openBaseManifestCache(stateDir, 'stacks.yaml', source, yaml('tiny')).read()).toBeUndefined();
    writeFileSync(readdirSync(join(stateDir, 'cache', 'base-manifests')).map((name) => join(stateDir, 'cache', 'base-manifests', name))[0]!, 'damaged');
    const third = await detectAffectedStacks(parseManifest(yaml('large'), 'stacks.yaml'), options);
    expect(Object.fromEntries(third.affected)).toEqual({ one: 'variable size: small -> large (via size)' });
  });

  it('leaves out the state directory inside the repository, also when .gitignore does not name it', async () => {
    const yaml = 'version: 1\nstacks:\n  root: { runner: command, path: ., commands: { apply: "true" } }\n';
    sandbox = await createGitSandbox({ fleet: { files: { 'stacks.yaml': yaml } } });
    await sandbox.branch('fleet', 'feature');
    const stateDir = join(sandbox.dir('fleet'), '.stackfleet');
    const options = { manifestPath: 'stacks.yaml', manifestDir: sandbox.dir('fleet'), stateDir };
    // What a run leaves there: its log, a cached manifest at base (written by this very detection).
    await sandbox.write('fleet', { '.stackfleet/runs/r1/root.log': 'ok\n' });
    const quiet = await detectAffectedStacks(parseManifest(yaml, 'stacks.yaml'), options);
    expect(Object.fromEntries(quiet.affected)).toEqual({});
    // Any other untracked file of the root still counts.
    await sandbox.write('fleet', { 'notes.txt': 'x' });
    const touched = await detectAffectedStacks(parseManifest(yaml, 'stacks.yaml'), options);
    expect(Object.fromEntries(touched.affected)).toEqual({ root: 'notes.txt added' });
  });
});
