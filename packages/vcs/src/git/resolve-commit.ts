import { GitCommandError, runGit } from './run-git.js';

/** The commit sha a ref names in `repoDir`, or undefined when it does not resolve. */
export async function readCommitSha(repoDir: string, ref: string): Promise<string | undefined> {
  try {
    const out = await runGit(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], { cwd: repoDir });
    return out.trim() || undefined;
  } catch (error) {
    if (error instanceof GitCommandError) return undefined;
    throw error;
  }
}

/** The top-level directory of the work tree containing `dir`. */
export async function readRepoRoot(dir: string): Promise<string> {
  return (await runGit(['rev-parse', '--show-toplevel'], { cwd: dir })).trim();
}
