import { access, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { StackfleetError } from '@stackfleet/core';
import { readCommitSha } from '../git/resolve-commit.js';
import { runGit } from '../git/run-git.js';

/**
 * A working directory of `repoRoot` at exactly `sha` (a detached worktree at
 * `targetDir`, made once and reused): what a worker runs a queued stack from,
 * so it runs the commit the run recorded, not whatever its own checkout holds.
 * A commit the repository lacks is fetched from `origin` first.
 *
 * @throws StackfleetError `E_REMOTE_COMMIT_UNAVAILABLE` when the commit cannot be had.
 */
export async function checkoutCommit(repoRoot: string, sha: string, targetDir: string): Promise<string> {
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha)) {
    throw new StackfleetError('E_REMOTE_COMMIT_UNAVAILABLE', `the run recorded "${sha}" as its commit, which is not a full git sha`, {
      hint: 'queue the run from a git checkout (its manifest must be committed)',
    });
  }
  if (await exists(join(targetDir, '.git'))) return targetDir;
  await mkdir(dirname(targetDir), { recursive: true, mode: 0o700 });
  // The common case first, one git process: the commit is here. `--force` also takes a path a
  // removed worktree left registered. The checks, fetch and prune below are for when it is not.
  const added = await runGit(['worktree', 'add', '--force', '--detach', '--quiet', targetDir, sha], { cwd: repoRoot }).then(
    () => true,
    () => false,
  );
  if (added) return targetDir;
  if ((await readCommitSha(repoRoot, sha)) === undefined) {
    // Servers that refuse fetching a sha directly still send it with their branches.
    await runGit(['fetch', '--quiet', 'origin', sha], { cwd: repoRoot }).catch(() => runGit(['fetch', '--quiet', 'origin'], { cwd: repoRoot })).catch(() => undefined);
  }
  if ((await readCommitSha(repoRoot, sha)) === undefined) {
    throw new StackfleetError('E_REMOTE_COMMIT_UNAVAILABLE', `commit ${sha.slice(0, 12)} of this run is not in ${repoRoot}, nor on its origin`, {
      hint: 'push the commit the run was queued from (git push), or queue the run from a pushed commit',
    });
  }
  await runGit(['worktree', 'prune'], { cwd: repoRoot });
  await runGit(['worktree', 'add', '--force', '--detach', '--quiet', targetDir, sha], { cwd: repoRoot });
  return targetDir;
}

function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}
