import { join } from 'node:path';
import { createGitSandbox, SANDBOX_GIT_ENV, type GitSandbox } from '@stackfleet/test-utils';
import { runGit } from '../git/run-git.js';
import { afterEach, describe, expect, it } from 'vitest';
import { parseNameStatus } from './parse-name-status.js';
import { EMPTY_TREE_SHA } from './read-base-ref.js';
import { readChangedFiles } from './read-changed-files.js';

let sandbox: GitSandbox | undefined;
afterEach(async () => { await sandbox?.cleanup(); sandbox = undefined; });

async function createRepo(): Promise<GitSandbox> {
  sandbox = await createGitSandbox({ repos: { infra: { files: { 'a.tf': 'a\n', 'b/c.tf': 'c\n' } } } });
  return sandbox;
}

const sha = (box: GitSandbox, ref: string) => box.git('infra', ['rev-parse', ref]).then((out) => out.trim());

describe('readChangedFiles', () => {
  it('on the root commit of the default branch, every file is added', async () => {
    const box = await createRepo();
    const result = await readChangedFiles(box.dir('infra'), { head: 'HEAD' });
    expect(result).toEqual({
      base: EMPTY_TREE_SHA, head: await sha(box, 'HEAD'), includesWorkingTree: false,
      files: [{ path: 'a.tf', status: 'added' }, { path: 'b/c.tf', status: 'added' }],
    });
  });

  it('on the default branch, compares with the previous commit; detached at its tip too', async () => {
    const box = await createRepo();
    await box.commit('infra', { 'a.tf': 'a2\n' });
    const onMain = await readChangedFiles(box.dir('infra'), { head: 'HEAD' });
    expect(onMain.base).toBe(await sha(box, 'HEAD~1'));
    expect(onMain.files).toEqual([{ path: 'a.tf', status: 'modified' }]);
    await box.checkout('infra', await sha(box, 'HEAD'));
    expect((await readChangedFiles(box.dir('infra'), { head: 'HEAD' })).base).toBe(await sha(box, 'HEAD~1'));
  });

  it('on a branch, compares with the merge-base, ignoring later commits on main', async () => {
    const box = await createRepo();
    const forkPoint = await sha(box, 'HEAD');
    await box.branch('infra', 'feature');
    await box.commit('infra', { 'b/c.tf': null, 'new.tf': 'n\n' });
    await box.checkout('infra', 'main');
    await box.commit('infra', { 'a.tf': 'main moved on\n' });
    await box.checkout('infra', 'feature');
    const result = await readChangedFiles(box.dir('infra'));
    expect(result.base).toBe(forkPoint);
    expect(result.head).toBe('WORKTREE');
    expect(result.files).toEqual([{ path: 'b/c.tf', status: 'deleted' }, { path: 'new.tf', status: 'added' }]);
  });

  it('refuses a shallow clone without a base in its history, and accepts a --base that resolves', async () => {
    const box = await createRepo();
    await box.commit('infra', { 'a.tf': 'a2\n' });
    await box.commit('infra', { 'a.tf': 'a3\n' });
    const shallow = join(box.root, 'shallow');
    await box.git('infra', ['clone', '--quiet', '--depth', '1', `file://${box.dir('infra')}`, shallow]);
    await expect(readChangedFiles(shallow, { head: 'HEAD' })).rejects.toMatchObject({
      code: 'E_SHALLOW_CLONE', hint: expect.stringContaining('fetch-depth: 0'),
    });
    expect((await readChangedFiles(shallow, { base: 'HEAD', head: 'HEAD' })).files).toEqual([]);
    // Deep enough for the previous commit: no error.
    await runGit(['fetch', '--quiet', '--deepen=1'], { cwd: shallow, env: SANDBOX_GIT_ENV });
    expect((await readChangedFiles(shallow, { head: 'HEAD' })).files).toEqual([{ path: 'a.tf', status: 'modified' }]);
  });

  it('rejects an unknown base with E_UNKNOWN_REF and a git fetch hint', async () => {
    const box = await createRepo();
    const error = await readChangedFiles(box.dir('infra'), { base: 'no-such-branch' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'E_UNKNOWN_REF', message: expect.stringContaining('"no-such-branch"') });
    expect((error as { hint: string }).hint).toContain('git fetch');
    await expect(readChangedFiles(box.dir('infra'), { base: '--output=/tmp/x' })).rejects.toMatchObject({ code: 'E_UNSAFE_GIT_ARG' });
  });
});

describe('parseNameStatus', () => {
  it('reads renames, copies and type changes', () => {
    expect(parseNameStatus('R087\0old.tf\0new.tf\0C100\0x\0y\0T\0link\0M\0m.tf\0')).toEqual([
      { path: 'new.tf', status: 'renamed', oldPath: 'old.tf' },
      { path: 'y', status: 'added' },
      { path: 'link', status: 'modified' },
      { path: 'm.tf', status: 'modified' },
    ]);
  });
});
