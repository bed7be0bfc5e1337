import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readRepoRootAndHead } from './resolve-commit.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd, encoding: 'utf8' }).trim();

describe('readRepoRootAndHead', () => {
  it('reads the top level, the HEAD commit and its branch from a subdirectory, and an empty HEAD before the first commit', async () => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'sf-root-')));
    git(dir, 'init', '-q');
    mkdirSync(join(dir, 'fleet', 'deep'), { recursive: true });
    expect(await readRepoRootAndHead(join(dir, 'fleet', 'deep'))).toEqual({ root: dir, head: '' });
    writeFileSync(join(dir, 'fleet', 'stacks.yaml'), '{}\n');
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'first');
    const head = git(dir, 'rev-parse', 'HEAD');
    expect(await readRepoRootAndHead(join(dir, 'fleet', 'deep'))).toEqual({ root: dir, head, branch: git(dir, 'symbolic-ref', '--short', 'HEAD') });
    git(dir, 'checkout', '-q', '-b', 'feature/x');
    expect(await readRepoRootAndHead(dir)).toEqual({ root: dir, head, branch: 'feature/x' });
    // Detached: no branch.
    git(dir, 'checkout', '-q', '--detach');
    expect(await readRepoRootAndHead(dir)).toEqual({ root: dir, head, branch: '' });
  });

  it('says a plain directory is not a repository', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sf-root-'));
    await expect(readRepoRootAndHead(dir)).rejects.toMatchObject({ code: 'E_NOT_A_REPO' });
  });
});
