import { access, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import PQueue from 'p-queue';
import { describeLocalRef, isRemoteRepoUrl, legacyRepoWorktreesDir, repoCacheDir, repoCheckoutDir, StackfleetError, ValidationError, type Locator, type Manifest, type Problem } from '@stackfleet/core';
import { readCommitSha, readRepoRoot, readRepoRootAndHead } from '../git/resolve-commit.js';
import { assertSafeGitArgument, runGit } from '../git/run-git.js';
import { checkStackPaths } from './check-stack-paths.js';
import { leaseWorkingDir, type WorkingDirLease } from './lease-working-dir.js';
import { prepareRepoCache } from './prepare-repo-cache.js';

export interface CheckoutReposOptions {
  /** Directory of stacks.yaml; local repo paths are relative to it. */
  manifestDir: string;
  /** Absolute state directory; clones live in `repos/`, working directories in `checkouts/`. */
  stateDir: string;
  /** Per-repo ref overrides (repo name -> branch, tag or sha). */
  refs?: Record<string, string>;
  /** Do not fetch; use what the cache holds. @default false */
  offline?: boolean;
  /** Manifest locations for the stack path problems found after checkout. */
  locate?: Locator;
  /** Progress the user should see (waiting for a working directory another run holds). */
  onNote?: (message: string) => void;
  /** How many repos are cloned, fetched and checked out at once. @default 4 */
  fetchConcurrency?: number;
}

/** Enough to overlap network waits, few enough not to look like abuse to a git host. */
const DEFAULT_FETCH_CONCURRENCY = 4;

export interface CheckedOutRepos {
  /** Repo name -> directory holding its files (`''` = the manifest's repo). */
  dirs: Record<string, string>;
  /** Repo name -> resolved commit sha (`''` when the directory is not a git repo). */
  shas: Record<string, string>;
  /** The branch checked out in the manifest's repository, read with its HEAD ('' detached); absent when not read. */
  branch?: string;
  warnings: string[];
  /** Lets other runs move the working directories again; call when the run is over. */
  release(): Promise<void>;
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

/**
 * Moves the repo's working directory to `sha`, creating it on first use.
 * Untracked and ignored files (terraform.tfstate, .terraform/, whatever a
 * command stack keeps beside its code) stay, so a new commit does not orphan
 * a stack's local state; tracked files are forced to the sha.
 */
async function moveWorkingDir(cacheDir: string, workDir: string, sha: string): Promise<void> {
  if (await exists(join(workDir, '.git'))) {
    await runGit(['checkout', '--force', '--detach', '--quiet', sha], { cwd: workDir });
    return;
  }
  await mkdir(dirname(workDir), { recursive: true, mode: 0o700 });
  await runGit(['worktree', 'prune'], { cwd: cacheDir });
  await runGit(['worktree', 'add', '--force', '--detach', '--quiet', workDir, sha], { cwd: cacheDir });
}

interface CheckedOutRemote {
  dir: string;
  sha: string;
  lease: WorkingDirLease;
  ref: string;
  warnings: string[];
}

async function checkoutRemote(name: string, url: string, ref: string | undefined, options: CheckoutReposOptions): Promise<CheckedOutRemote> {
  const warnings: string[] = [];
  const cacheDir = repoCacheDir(options.stateDir, name);
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
  const dir = repoCheckoutDir(options.stateDir, name);
  const legacy = legacyRepoWorktreesDir(options.stateDir, name);
  if (!(await exists(join(dir, '.git'))) && (await exists(legacy))) {
    // Before one working directory per repo, every sha had its own: local state left there is not carried over.
    warnings.push(
      `repo "${name}": earlier versions checked it out per sha under ${legacy}; stacks with local state ` +
      `(terraform.tfstate, .terraform/) must have it moved into ${dir} before their next plan, or they plan to create everything again`,
    );
  }
  const lease = await leaseWorkingDir(dir, sha, () => moveWorkingDir(cacheDir, dir, sha), {
    onWait: (message) => options.onNote?.(`repo ${name}: ${message}`),
  });
  return { dir, sha, lease, ref: wanted, warnings };
}

/**
 * Makes every repo of the manifest available on disk. Local paths are used in
 * place at their HEAD (a `ref` on them is refused: checking one out would
 * touch the user's working tree); git URLs are cloned once into
 * `<stateDir>/repos/<name>.git` (bare, blobless where the server allows),
 * fetched each run, and checked out in one working directory per repo,
 * `<stateDir>/checkouts/<name>`, held at the resolved sha until `release`.
 * A failed fetch falls back to the cached ref with a warning; it never
 * switches to another ref. Stack paths are checked in each checkout before
 * anything can run there (missing, or a symlink out of the repo).
 *
 * Repos are cloned, fetched and checked out in parallel through a p-queue of
 * `fetchConcurrency` (a fleet can name dozens of repos, each a network round
 * trip). The result never depends on which finished first: warnings and
 * path problems come in repo-name order, and when several repos fail, the
 * error of the first by name is thrown (after releasing every lease taken).
 */
export async function checkoutRepos(manifest: Manifest, options: CheckoutReposOptions): Promise<CheckedOutRepos> {
  const dirs: Record<string, string> = {};
  const shas: Record<string, string> = {};
  const warnings: string[] = [];
  let branch: string | undefined;
  const leases: WorkingDirLease[] = [];
  const release = async (): Promise<void> => {
    await Promise.all(leases.splice(0).map((lease) => lease.release()));
  };
  try {
    const read = await readRepoRootAndHead(options.manifestDir);
    dirs[''] = read.root;
    shas[''] = read.head;
    branch = read.branch;
  } catch (error) {
    if (!(error instanceof StackfleetError) || error.code !== 'E_NOT_A_REPO') throw error;
    // A fleet outside git still runs; it just has no sha to record.
    dirs[''] = options.manifestDir;
    shas[''] = '';
  }
  // Every URL and ref is checked before any git process starts.
  const repos = Object.values(manifest.repos)
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((repo) => {
      assertSafeGitArgument(repo.url, `repos.${repo.name}.url`);
      const ref = options.refs?.[repo.name] ?? repo.ref;
      if (ref !== undefined) assertSafeGitArgument(ref, `repos.${repo.name}.ref`);
      const remote = isRemoteRepoUrl(repo.url);
      // parseManifest refuses it already; a manifest built another way must not deploy the working tree either.
      if (!remote && repo.ref !== undefined) throw new ValidationError([describeLocalRef(repo.name, repo.url, repo.ref, options.locate?.(`repos.${repo.name}.ref`))]);
      return { name: repo.name, url: repo.url, ref, remote };
    });
  const queue = new PQueue({ concurrency: options.fetchConcurrency ?? DEFAULT_FETCH_CONCURRENCY });
  const results = await Promise.allSettled(
    repos.map((repo) =>
      queue.add(async () => {
        if (!repo.remote) return { ...(await checkoutLocal(repo.name, resolve(options.manifestDir, repo.url))), warnings: [], problems: [] };
        const remote = await checkoutRemote(repo.name, repo.url, repo.ref, options);
        leases.push(remote.lease);
        const problems = await checkStackPaths(manifest, { name: repo.name, dir: remote.dir, sha: remote.sha, ref: remote.ref }, options.locate);
        return { ...remote, problems };
      }),
    ),
  );
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) {
    await release();
    throw failed.reason;
  }
  const problems: Problem[] = [];
  repos.forEach((repo, index) => {
    const result = (results[index] as PromiseFulfilledResult<{ dir: string; sha: string; warnings: string[]; problems: Problem[] }>).value;
    dirs[repo.name] = result.dir;
    shas[repo.name] = result.sha;
    warnings.push(...result.warnings);
    problems.push(...result.problems);
  });
  if (problems.length > 0) {
    await release();
    throw new ValidationError(problems);
  }
  return { dirs, shas, ...(branch === undefined ? {} : { branch }), warnings, release };
}
