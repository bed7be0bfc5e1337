import { GitCommandError, runGit } from '../git/run-git.js';

/** Repo-relative directory (`.` for the root) -> .tf file names in it that mention `module`. */
export type ModuleFileIndex = Map<string, string[]>;

/**
 * Repo-relative `.tf` files that mention `module`, tracked or untracked, found
 * with one `git grep` instead of reading every file: on a 100,000-file
 * monorepo that is the difference between milliseconds and seconds.
 */
export async function readModuleFiles(repoDir: string): Promise<ModuleFileIndex> {
  try {
    const out = await runGit(
      ['grep', '-l', '-z', '-I', '--untracked', '--full-name', '-e', 'module', '--', '*.tf'],
      { cwd: repoDir },
    );
    const index: ModuleFileIndex = new Map();
    for (const path of out.split('\0')) if (path) addModuleFile(index, path);
    return index;
  } catch (error) {
    // git grep exits 1 when nothing matches.
    if (error instanceof GitCommandError && error.exitCode === 1 && error.stderr.trim() === '') return new Map();
    throw error;
  }
}

/** Adds a repo-relative file to the index under its directory. */
export function addModuleFile(index: ModuleFileIndex, path: string): void {
  const slash = path.lastIndexOf('/');
  const dir = slash === -1 ? '.' : path.slice(0, slash);
  const names = index.get(dir);
  if (names) names.push(path.slice(slash + 1));
  else index.set(dir, [path.slice(slash + 1)]);
}
