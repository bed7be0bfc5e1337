import { access, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { StackfleetError } from '@stackfleet/core';
import { GitCommandError, runGit } from '../git/run-git.js';

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}

async function cloneBare(url: string, cacheDir: string, filter: boolean): Promise<void> {
  await rm(cacheDir, { recursive: true, force: true });
  const argv = ['clone', '--bare', '--quiet', ...(filter ? ['--filter=blob:none'] : []), '--', url, cacheDir];
  await runGit(argv, { cwd: dirname(cacheDir) });
  // A bare clone has no fetch refspec; mirror branches and tags for later fetches.
  await runGit(['config', 'remote.origin.fetch', '+refs/heads/*:refs/heads/*'], { cwd: cacheDir });
}

/**
 * Makes sure `<cacheDir>` is a bare clone of `url` and fetches it. Returns a
 * warning when the fetch failed and the cached refs are used instead.
 */
export async function prepareRepoCache(name: string, url: string, cacheDir: string, offline: boolean): Promise<string | undefined> {
  await mkdir(dirname(cacheDir), { recursive: true, mode: 0o700 });
  if (!(await exists(cacheDir))) {
    if (offline) {
      throw new StackfleetError('E_REPO_NOT_CACHED', `repo "${name}" (${url}) has never been cloned and the run is offline`, {
        hint: 'run once without --offline to fill the cache',
      });
    }
    try {
      await cloneBare(url, cacheDir, true);
    } catch (error) {
      if (!(error instanceof GitCommandError)) throw error;
      // Some servers refuse partial clones; a full clone still works.
      try {
        await cloneBare(url, cacheDir, false);
      } catch (retryError) {
        await rm(cacheDir, { recursive: true, force: true });
        const detail = retryError instanceof GitCommandError ? retryError.stderr.trim() : String(retryError);
        throw new StackfleetError('E_CLONE_FAILED', `repo "${name}": cannot clone "${url}": ${detail}`, {
          hint: 'check the URL and your credentials (git must be able to clone it non-interactively)',
          cause: retryError,
        });
      }
    }
    return undefined;
  }
  if (offline) return undefined;
  try {
    await runGit(['remote', 'set-url', 'origin', '--', url], { cwd: cacheDir });
    await runGit(['fetch', '--quiet', '--prune', '--tags', '--force', 'origin'], { cwd: cacheDir });
    return undefined;
  } catch (error) {
    if (!(error instanceof GitCommandError)) throw error;
    const reason = error.stderr.trim().split('\n').pop() ?? 'unknown error';
    return `repo "${name}": fetch from ${url} failed (${reason}); using the cached refs`;
  }
}
