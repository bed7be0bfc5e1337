import { realpathSync } from 'node:fs';
import { dirname, relative, sep } from 'node:path';
import { buildFleetIdentity } from '@stackfleet/core';
import { GitCommandError, runGit } from './run-git.js';

/**
 * The identity of the fleet whose manifest is `manifestPath` in a shared store:
 * `settings.fleet`, else the manifest's repository origin plus its path there
 * (the same on every checkout), else a machine-local identity.
 */
export async function readFleetIdentity(manifestPath: string, settingsFleet?: string): Promise<string> {
  if (settingsFleet !== undefined && settingsFleet !== '') return settingsFleet;
  const dir = dirname(manifestPath);
  let repoRoot = dir;
  let originUrl: string | undefined;
  try {
    repoRoot = (await runGit(['rev-parse', '--show-toplevel'], { cwd: dir })).trim();
    originUrl = (await runGit(['remote', 'get-url', 'origin'], { cwd: dir })).trim();
  } catch (error) {
    // Not a repository, or no origin: the identity falls back to the local path.
    if (!(error instanceof GitCommandError) && (error as { code?: string }).code !== 'E_NOT_A_REPO') throw error;
  }
  // git reports the root with symlinks resolved; compare like with like.
  const manifestPathInRepo = relative(repoRoot, realpathSync(manifestPath)).split(sep).join('/');
  return buildFleetIdentity({ ...(originUrl ? { originUrl } : {}), manifestPathInRepo, repoRoot });
}
