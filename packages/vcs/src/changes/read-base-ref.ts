import { readCommitSha } from '../git/resolve-commit.js';
import { GitCommandError, runGit } from '../git/run-git.js';

/** git's empty tree: the base of a root commit, so every file counts as added. */
export const EMPTY_TREE_SHA = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

/** The default branch (origin/HEAD, else main, else master), or undefined. */
export async function readDefaultBranch(repoDir: string): Promise<string | undefined> {
  return (await readDefaultBranchCommit(repoDir))?.name;
}

/** The default branch and the commit it points at: one lookup for both. */
async function readDefaultBranchCommit(repoDir: string): Promise<{ name: string; sha: string } | undefined> {
  try {
    const out = await runGit(['symbolic-ref', '--quiet', 'refs/remotes/origin/HEAD'], { cwd: repoDir });
    const ref = out.trim().replace(/^refs\/remotes\//, '');
    const sha = ref ? await readCommitSha(repoDir, ref) : undefined;
    if (ref && sha) return { name: ref, sha };
  } catch (error) {
    if (!(error instanceof GitCommandError)) throw error;
  }
  for (const candidate of ['main', 'master']) {
    const sha = await readCommitSha(repoDir, `refs/heads/${candidate}`);
    if (sha) return { name: candidate, sha };
  }
  return undefined;
}

async function readCurrentBranch(repoDir: string): Promise<string | undefined> {
  try {
    return (await runGit(['symbolic-ref', '--quiet', '--short', 'HEAD'], { cwd: repoDir })).trim() || undefined;
  } catch (error) {
    if (error instanceof GitCommandError) return undefined; // detached HEAD
    throw error;
  }
}

/**
 * The default base: the merge-base of HEAD with the default branch (origin/HEAD,
 * else main, else master). On the default branch itself (or detached at its
 * tip, as CI checkouts of a push are) the previous commit; for a root commit
 * the empty tree.
 */
export async function readDefaultBase(repoDir: string, headSha: string): Promise<string> {
  // Independent lookups, run together: each is a git process, and `affected` waits for all.
  const [defaultBranch, current] = await Promise.all([readDefaultBranchCommit(repoDir), readCurrentBranch(repoDir)]);
  const defaultSha = defaultBranch?.sha;
  const shortDefault = defaultBranch?.name.replace(/^origin\//, '');
  const onDefault = !defaultSha || current === shortDefault || (current === undefined && defaultSha === headSha);
  if (onDefault) return (await readCommitSha(repoDir, `${headSha}~1`)) ?? EMPTY_TREE_SHA;
  try {
    return (await runGit(['merge-base', defaultSha, headSha], { cwd: repoDir })).trim();
  } catch (error) {
    if (error instanceof GitCommandError) return EMPTY_TREE_SHA; // unrelated histories
    throw error;
  }
}
