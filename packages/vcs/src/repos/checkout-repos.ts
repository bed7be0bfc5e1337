import { access, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isRemoteRepoUrl, StackfleetError, type Manifest } from '@stackfleet/core';
import { readCommitSha, readRepoRoot } from '../git/resolve-commit.js';
import { assertSafeGitArgument, GitCommandError, runGit } from '../git/run-git.js';
import { prepareRepoCache } from './prepare-repo-cache.js';

export interface CheckoutReposOptions {
  /** Directory of stacks.yaml; local repo paths are relative to it. */
  manifestDir: string;
  /** Absolute state directory; clones live in `repos/`, checkouts in `worktrees/`. */
  stateDir: string;
  /** Per-repo ref overrides (repo name -> branch, tag or sha). */
  refs?: Record<string, string>;
  /** Do not fetch; use what the cache holds. @default false */
  offline?: boolean;
}

export interface CheckedOutRepos {
  /** Repo name -> directory holding its files (`''` = the manifest's repo). */
  dirs: Record<string, string>;
  /** Repo name -> resolved commit sha (`''` when the directory is not a git repo). */
  shas: Record<string, string>;
  warnings: string[];
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}

async function readHead(dir: string): Promise<string> {
  return (await readCommitSha(dir, 'HEAD')) ?? '';
}

async function checkoutLocal(name: string, dir: string): Promise<{ dir: string; sha: string }> {
  if (!(await exists(dir))) {
    throw new StackfleetError('E_NOT_A_REPO', `repo "${name}": "${dir}" does not exist`, {
      hint: 'local repo paths are relative to the directory of stacks.yaml',
    });
  }
  await readRepoRoot(dir); // E_NOT_A_REPO when it is a plain directory
  return { dir, sha: await readHead(dir) };
}

/** A detached worktree per sha: concurrent runs at different refs never share files. */
async function addWorktree(cacheDir: string, worktreeDir: string, sha: string): Promise<void> {
  if (await exists(join(worktreeDir, '.git'))) return;
  await mkdir(resolve(worktreeDir, '..'), { recursive: true });
  try {
    await runGit(['worktree', 'prune'], { cwd: cacheDir });
    await runGit(['worktree', 'add', '--detach', '--quiet', worktreeDir, sha], { cwd: cacheDir });
  } catch (error) {
    // Another run created the same worktree first: theirs is just as good.
    if (error instanceof GitCommandError && (await exists(join(worktreeDir, '.git')))) return;
    throw error;
  }
}

async function checkoutRemote(name: string, url: string, ref: string | undefined, options: CheckoutReposOptions, warnings: string[]) {
  const cacheDir = join(options.stateDir, 'repos', `${name}.git`);
  const warning = await prepareRepoCache(name, url, cacheDir, options.offline ?? false);
  if (warning) warnings.push(warning);
  const wanted = ref ?? 'HEAD';
  const sha = await readCommitSha(cacheDir, wanted);
  if (!sha) {
    throw new StackfleetError('E_UNKNOWN_REF', `repo "${name}": unknown ref "${wanted}" in ${url}`, {
      hint: warning
        ? 'the fetch failed, so only cached refs are known: fix the network or the URL, then retry'
        : `run \`git fetch\` / check that the tag or branch exists: git ls-remote ${url}`,
    });
  }
  const dir = join(options.stateDir, 'worktrees', name, sha);
  await addWorktree(cacheDir, dir, sha);
  return { dir, sha };
}

/**
 * Makes every repo of the manifest available on disk. Local paths are used in
 * place at their HEAD; git URLs are cloned once into `<stateDir>/repos/<name>.git`
 * (bare, blobless where the server allows), fetched each run, and checked out
 * in `<stateDir>/worktrees/<name>/<sha>`. A failed fetch falls back to the
 * cached ref with a warning; it never switches to another ref.
 */
export async function checkoutRepos(manifest: Manifest, options: CheckoutReposOptions): Promise<CheckedOutRepos> {
  const dirs: Record<string, string> = {};
  const shas: Record<string, string> = {};
  const warnings: string[] = [];
  try {
    dirs[''] = await readRepoRoot(options.manifestDir);
    shas[''] = await readHead(dirs['']);
  } catch (error) {
    if (!(error instanceof StackfleetError) || error.code !== 'E_NOT_A_REPO') throw error;
    // A fleet outside git still runs; it just has no sha to record.
    dirs[''] = options.manifestDir;
    shas[''] = '';
  }
  for (const repo of Object.values(manifest.repos).sort((a, b) => a.name.localeCompare(b.name))) {
    assertSafeGitArgument(repo.url, `repos.${repo.name}.url`);
    const ref = options.refs?.[repo.name] ?? repo.ref;
    if (ref !== undefined) assertSafeGitArgument(ref, `repos.${repo.name}.ref`);
    const result = isRemoteRepoUrl(repo.url)
      ? await checkoutRemote(repo.name, repo.url, ref, options, warnings)
      : await checkoutLocal(repo.name, resolve(options.manifestDir, repo.url));
    dirs[repo.name] = result.dir;
    shas[repo.name] = result.sha;
  }
  return { dirs, shas, warnings };
}
