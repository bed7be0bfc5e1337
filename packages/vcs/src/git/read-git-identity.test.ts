import { execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readGitIdentity } from './read-git-identity.js';
import { readRepoRootAndHead } from './resolve-commit.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

describe('readGitIdentity', () => {
  it('reads the email, the branch and the commit; a HEAD the caller read already is taken as it is', async () => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'sf-identity-')));
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'config', 'user.email', 'alice@example.com');
    git(dir, 'config', 'user.name', 'alice');
    writeFileSync(join(dir, 'stacks.yaml'), '{}\n');
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'first');
    const head = git(dir, 'rev-parse', 'HEAD');
    expect(await readGitIdentity(dir)).toEqual({ email: 'alice@example.com', branch: 'main', commit: head });
    // What a run passes: the HEAD it read with the repository root, the same commit.
    expect(await readGitIdentity(dir, { head: (await readRepoRootAndHead(dir)).head })).toEqual({ email: 'alice@example.com', branch: 'main', commit: head });
    // Taken without asking git again ('' = no commit yet).
    expect((await readGitIdentity(dir, { head: 'f'.repeat(40) })).commit).toBe('f'.repeat(40));
    expect(await readGitIdentity(dir, { head: '' })).toEqual({ email: 'alice@example.com', branch: 'main' });
    // The branch read with HEAD ('' = detached), and no email when the environment names the actor.
    expect(await readGitIdentity(dir, { head, branch: 'release', email: false })).toEqual({ branch: 'release', commit: head });
    expect(await readGitIdentity(dir, { head, branch: '' })).toEqual({ email: 'alice@example.com', commit: head });
  });
});
