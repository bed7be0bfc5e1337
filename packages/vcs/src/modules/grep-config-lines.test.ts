import { createGitSandbox, type GitSandbox } from '@stackfleet/test-utils';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readChangedFiles } from '../changes/read-changed-files.js';
import { openConfigLinesCache } from './config-lines-cache.js';
import { grepConfigLines, readConfigText } from './grep-config-lines.js';

let sandbox: GitSandbox | undefined;
afterEach(async () => { await sandbox?.cleanup(); sandbox = undefined; });

describe('grepConfigLines', () => {
  it('reads the base tree (kept in the state directory) and the files changed since: what a grep of the working tree finds', async () => {
    sandbox = await createGitSandbox({ repos: { infra: { files: {
      'net/main.tf': 'variable "environment" {}\nmodule "app" {\n  source = "../modules/app"\n}\n',
      'dns/main.tf': '/*\nvariable "region" {}\n*/\n',
      'old/main.tf': 'module "gone" {\n  source = "../gone"\n}\n',
      'moved/main.tf': 'variable "size" {}\n',
      'json/main.tf.json': '{ "variable": { "environment": {} } }\n',
      'docs/module.md': 'a module\n',
    } } } });
    const repo = sandbox.dir('infra');
    await sandbox.git('infra', ['mv', 'moved', 'renamed']);
    await sandbox.write('infra', {
      'net/main.tf': 'variable "region" {}\n', // edited: no module any more
      'old/main.tf': null, // deleted
      'new/main.tf': 'module "new" {\n  source = "../modules/new"\n}\n', // untracked
      'new/binary.tf': 'variable "x" {}\n\0', // untracked, binary: skipped like git grep -I
      'new/bom.tf': '\uFEFFvariable "x" {}\n\u00A0variable "y" {}\n', // not [[:space:]] for git: no variable lines
    });
    const changes = await readChangedFiles(repo);
    const paths = changes.files.flatMap((file) => (file.oldPath ? [file.path, file.oldPath] : [file.path]));
    const stateDir = join(sandbox.root, 'state');

    for (const variables of [true, false]) {
      const worktree = await grepConfigLines(repo, { variables });
      const cache = openConfigLinesCache(stateDir, repo, changes.base, variables);
      const since = { base: changes.base, paths, cache };
      expect(await grepConfigLines(repo, { variables, since })).toEqual(worktree);
      expect(cache.read()).toBeDefined(); // written by the first run against this base
      expect(await grepConfigLines(repo, { variables, since })).toEqual(worktree);
    }
    const worktree = await grepConfigLines(repo);
    expect([...worktree.moduleFiles.keys()]).toEqual(['new']);
    expect([...worktree.variableLines.keys()]).toEqual(['dns/main.tf', 'json/main.tf.json', 'net/main.tf', 'renamed/main.tf']);
    expect(readdirSync(join(stateDir, 'cache', 'config-lines'))).toHaveLength(2);

    // The entry is what the next run reads instead of the tree: a planted one shows through, under its base only.
    const cache = openConfigLinesCache(stateDir, repo, changes.base, true);
    cache.write(new Map([['planted/main.tf', { module: true, lines: [] }]]));
    const planted = await grepConfigLines(repo, { since: { base: changes.base, paths, cache } });
    expect([...planted.moduleFiles.keys()]).toEqual(['new', 'planted']);
    expect(openConfigLinesCache(stateDir, repo, 'f'.repeat(40), true).read()).toBeUndefined();
  });

  it('greps the working tree of a partial clone (the base tree would fetch blobs one by one), and keeps nothing', async () => {
    sandbox = await createGitSandbox({ repos: { infra: { files: { 'net/main.tf': 'variable "environment" {}\n' } } } });
    await sandbox.git('infra', ['config', 'uploadpack.allowFilter', 'true']);
    await sandbox.commit('infra', { 'net/main.tf': 'variable "region" {}\nmodule "app" {\n  source = "../app"\n}\n' });
    const clone = join(sandbox.root, 'partial');
    await sandbox.git('infra', ['clone', '--quiet', '--filter=blob:none', `file://${sandbox.dir('infra')}`, clone]);
    const changes = await readChangedFiles(clone, { });
    const cache = openConfigLinesCache(join(sandbox.root, 'state'), clone, changes.base, true);
    const paths = changes.files.map((file) => file.path);
    expect(await grepConfigLines(clone, { since: { base: changes.base, paths, cache } })).toEqual(await grepConfigLines(clone));
    expect(cache.read()).toBeUndefined();
  });

  it('with `at`, greps that commit and reads its files, whatever the working tree holds', async () => {
    sandbox = await createGitSandbox({ repos: { infra: { files: {
      'net/main.tf': 'module "app" {\n  source = "../modules/app"\n}\n',
      'dns/main.tf': '/*\nvariable "region" {}\n*/\n',
      'json/main.tf.json': '{ "variable": { "environment": {} } }\n',
    } } } });
    const repo = sandbox.dir('infra');
    const committed = await grepConfigLines(repo); // the working tree equals the commit here
    const sha = (await sandbox.git('infra', ['rev-parse', 'HEAD'])).trim();
    await sandbox.write('infra', {
      'net/main.tf': 'variable "x" {}\n', 'dns/main.tf': null, 'new/main.tf': 'module "n" {\n  source = "../n"\n}\n',
    });
    const atHead = await grepConfigLines(repo, { at: sha });
    expect(atHead.moduleFiles).toEqual(committed.moduleFiles);
    expect(atHead.variableLines).toEqual(committed.variableLines);
    expect(readConfigText(repo, atHead, 'net/main.tf')).toBe('module "app" {\n  source = "../modules/app"\n}\n');
    expect(readConfigText(repo, atHead, 'dns/main.tf')).toBe('/*\nvariable "region" {}\n*/\n');
    expect(readConfigText(repo, atHead, 'json/main.tf.json')).toContain('"environment"');
    expect(readConfigText(repo, atHead, 'new/main.tf')).toBe(''); // not in the commit
    expect(readConfigText(repo, committed, 'net/main.tf')).toBe('variable "x" {}\n'); // the working tree's
  });
});
