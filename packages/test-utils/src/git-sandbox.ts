import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Files of one repo: path -> content; `null` deletes the file in `commit`. */
export type SandboxFiles = Record<string, string | null>;

export interface GitSandboxDescription {
  /** Other repositories of the fleet, by name. */
  repos?: Record<string, { files: SandboxFiles }>;
  /** The repository holding stacks.yaml; named `fleet`. */
  fleet?: { files: SandboxFiles };
}

export interface GitSandbox {
  /** Root temp directory; every repo is `<root>/<name>`. */
  root: string;
  dir(repo: string): string;
  /** Writes (or deletes, with `null`) files and commits them; returns the new sha. */
  commit(repo: string, files: SandboxFiles, message?: string): Promise<string>;
  /** Writes files without committing (for working-tree cases). */
  write(repo: string, files: SandboxFiles): Promise<void>;
  /** Creates and switches to a branch. */
  branch(repo: string, name: string): Promise<void>;
  checkout(repo: string, ref: string): Promise<void>;
  tag(repo: string, name: string): Promise<void>;
  /** Runs any git command in the repo and returns stdout. */
  git(repo: string, argv: string[]): Promise<string>;
  cleanup: () => Promise<void>;
}

/** Fixed identity and dates so shas are stable and no global git config is needed. */
export const SANDBOX_GIT_ENV: Record<string, string> = {
  GIT_AUTHOR_NAME: 'Sandbox', GIT_AUTHOR_EMAIL: 'sandbox@example.com',
  GIT_COMMITTER_NAME: 'Sandbox', GIT_COMMITTER_EMAIL: 'sandbox@example.com',
  GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'protocol.file.allow', GIT_CONFIG_VALUE_0: 'always',
};

function runSandboxGit(cwd: string, argv: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', argv, { cwd, env: { ...process.env, ...SANDBOX_GIT_ENV } }, (error, stdout, stderr) => {
      if (error) reject(new Error(`git ${argv.join(' ')} in ${cwd}: ${stderr || error.message}`));
      else resolve(stdout);
    });
  });
}

async function writeFiles(dir: string, files: SandboxFiles): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    const target = join(dir, path);
    if (content === null) await rm(target, { force: true });
    else {
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, content);
    }
  }
}

/**
 * Real git repositories in a temp dir, built from a compact description: each
 * repo gets one initial commit on `main`. Tests then commit, branch and tag.
 */
export async function createGitSandbox(description: GitSandboxDescription): Promise<GitSandbox> {
  const root = await realpath(await mkdtemp(join(tmpdir(), 'stackfleet-git-')));
  const dir = (repo: string) => join(root, repo);
  const git = (repo: string, argv: string[]) => runSandboxGit(dir(repo), argv);
  const commit = async (repo: string, files: SandboxFiles, message = 'change'): Promise<string> => {
    await writeFiles(dir(repo), files);
    await git(repo, ['add', '-A']);
    await git(repo, ['commit', '--quiet', '--allow-empty', '-m', message]);
    return (await git(repo, ['rev-parse', 'HEAD'])).trim();
  };
  const all = { ...description.repos, ...(description.fleet ? { fleet: description.fleet } : {}) };
  for (const [name, spec] of Object.entries(all)) {
    await mkdir(dir(name), { recursive: true });
    await git(name, ['-c', 'init.defaultBranch=main', 'init', '--quiet']);
    await commit(name, spec.files, 'initial');
  }
  return {
    root,
    dir,
    commit,
    write: (repo, files) => writeFiles(dir(repo), files),
    branch: async (repo, name) => { await git(repo, ['checkout', '--quiet', '-b', name]); },
    checkout: async (repo, ref) => { await git(repo, ['checkout', '--quiet', ref]); },
    tag: async (repo, name) => { await git(repo, ['tag', name]); },
    git,
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}
