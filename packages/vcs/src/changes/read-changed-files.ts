import { StackfleetError, type ChangedFile } from '@stackfleet/core';
import { readCommitSha } from '../git/resolve-commit.js';
import { assertSafeGitArgument, runGit } from '../git/run-git.js';
import { parseNameStatus } from './parse-name-status.js';
import { EMPTY_TREE_SHA, readDefaultBase } from './read-base-ref.js';

export interface ReadChangedFilesOptions {
  /** Branch, tag or sha (a GitHub PR's base sha works). @default merge-base with the default branch */
  base?: string;
  /** Branch, tag or sha. @default the working tree: committed, uncommitted and untracked changes */
  head?: string;
}

export interface ChangedFiles {
  /** The resolved base sha (the empty tree for a root commit). */
  base: string;
  /** The resolved head sha, or `WORKTREE` when uncommitted files are included. */
  head: string;
  files: ChangedFile[];
  includesWorkingTree: boolean;
}

async function isShallowRepo(repoDir: string): Promise<boolean> {
  return (await runGit(['rev-parse', '--is-shallow-repository'], { cwd: repoDir })).trim() === 'true';
}

async function resolveRef(repoDir: string, ref: string, what: string): Promise<string> {
  assertSafeGitArgument(ref, what);
  const sha = await readCommitSha(repoDir, ref);
  if (sha) return sha;
  throw new StackfleetError('E_UNKNOWN_REF', `${what} "${ref}" does not exist in ${repoDir}`, {
    hint: 'run `git fetch` (CI checkouts are often shallow: use `fetch-depth: 0`, or `git fetch --deepen`) or check the branch, tag or sha',
  });
}

/**
 * Files changed between base and head in one repository, paths relative to
 * its root. Without `head`, compares base with the working tree and adds
 * untracked files (respecting .gitignore). Renames keep both paths.
 */
export async function readChangedFiles(repoDir: string, options: ReadChangedFilesOptions = {}): Promise<ChangedFiles> {
  const headSha = options.head === undefined ? await readCommitSha(repoDir, 'HEAD') : await resolveRef(repoDir, options.head, '--head');
  const base = options.base !== undefined
    ? await resolveRef(repoDir, options.base, '--base')
    : headSha ? await readDefaultBase(repoDir, headSha) : EMPTY_TREE_SHA;
  if (options.base === undefined && base === EMPTY_TREE_SHA && headSha && (await isShallowRepo(repoDir))) {
    // `git clone --depth 1` (the default of common CI checkouts) has no parent and no merge-base:
    // comparing with the empty tree would call every file "added" with no word of why.
    throw new StackfleetError('E_SHALLOW_CLONE', `${repoDir} is a shallow clone: the base to compare with (the previous commit or the merge-base with the default branch) is not in its history`, {
      hint: 'fetch the history (actions/checkout: `fetch-depth: 0`; or `git fetch --deepen=50`, `git fetch --unshallow`), or pass --base with a commit that is in the history',
    });
  }
  const diffArgv = ['diff', '--name-status', '-z', '-M', '--no-color', '--no-ext-diff', base];
  if (options.head !== undefined) {
    const out = await runGit([...diffArgv, headSha!, '--'], { cwd: repoDir });
    return { base, head: headSha!, files: parseNameStatus(out), includesWorkingTree: false };
  }
  const [diff, untracked] = await Promise.all([
    runGit([...diffArgv, '--'], { cwd: repoDir }),
    runGit(['ls-files', '--others', '--exclude-standard', '-z'], { cwd: repoDir }),
  ]);
  const files = parseNameStatus(diff);
  for (const path of untracked.split('\0')) if (path) files.push({ path, status: 'added' });
  return { base, head: 'WORKTREE', files, includesWorkingTree: true };
}
