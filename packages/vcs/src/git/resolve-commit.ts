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

/**
 * The top-level directory of the work tree containing `dir` and the commit
 * its HEAD names ('' before the first commit): one git process where there
 * is a commit (every run starts with this; a fork of our process each).
 */
export async function readRepoRootAndHead(dir: string): Promise<{ root: string; head: string }> {
  try {
    const [root = '', head = ''] = (await runGit(['rev-parse', '--show-toplevel', '--verify', '--quiet', 'HEAD^{commit}'], { cwd: dir })).trim().split('\n');
    return { root, head };
  } catch (error) {
    // No commit yet (git printed the top level, then exited 1): ask for the top level alone.
    if (error instanceof GitCommandError) return { root: await readRepoRoot(dir), head: '' };
    throw error;
  }
}
