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
  it('reads the top level and the HEAD commit from a subdirectory, and an empty HEAD before the first commit', async () => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'sf-root-')));
    git(dir, 'init', '-q');
    mkdirSync(join(dir, 'fleet', 'deep'), { recursive: true });
    expect(await readRepoRootAndHead(join(dir, 'fleet', 'deep'))).toEqual({ root: dir, head: '' });
    writeFileSync(join(dir, 'fleet', 'stacks.yaml'), '{}\n');
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'first');
    expect(await readRepoRootAndHead(join(dir, 'fleet', 'deep'))).toEqual({ root: dir, head: git(dir, 'rev-parse', 'HEAD') });
  });

  it('says a plain directory is not a repository', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sf-root-'));
    await expect(readRepoRootAndHead(dir)).rejects.toMatchObject({ code: 'E_NOT_A_REPO' });
  });
});
