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
 * The top-level directory of the work tree containing `dir`, the commit its
 * HEAD names ('' before the first commit) and the branch checked out ('' when
 * HEAD is detached; not read before the first commit): one git process where
 * there is a commit (every run starts with this; a fork of our process each,
 * and a run judged by policies needs the branch for `input.run.branch`).
 */
export async function readRepoRootAndHead(dir: string): Promise<{ root: string; head: string; branch?: string }> {
  try {
    // `--symbolic-full-name` names the revisions after it: HEAD's ref, `HEAD` itself when detached.
    const argv = ['rev-parse', '--show-toplevel', 'HEAD^{commit}', '--symbolic-full-name', 'HEAD', '--'];
    const [root = '', head = '', ref = ''] = (await runGit(argv, { cwd: dir })).trim().split('\n');
    return { root, head, branch: ref.startsWith(BRANCH_PREFIX) ? ref.slice(BRANCH_PREFIX.length) : '' };
  } catch (error) {
    // No commit yet (HEAD names no commit): ask for the top level alone.
    if (error instanceof GitCommandError) return { root: await readRepoRoot(dir), head: '' };
    throw error;
  }
}

const BRANCH_PREFIX = 'refs/heads/';
