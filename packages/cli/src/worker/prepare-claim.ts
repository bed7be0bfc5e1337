import { realpathSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { workerCommitDir, type Manifest, type RunnerKind } from '@stackfleet/core';
import { createCommandAdapter, createTerraformAdapter, type RemoteRunPayload, type StackRunnerAdapter } from '@stackfleet/runner';
import { checkoutCommit, checkoutRepos, readCommitSha, readRepoRoot } from '@stackfleet/vcs';
import { readFleet, type Fleet } from '../manifest/read-manifest.js';

/** Everything the engine needs to run a stack of one queued run's commit on this worker. */
export interface PreparedCommit {
  manifest: Manifest;
  manifestDir: string;
  repoDirs: Record<string, string>;
  /** The worker's own checkout, which recorded log paths are relative to. */
  workerRepoRoot: string;
  /** The fleet at the run's commit (its policies judge the run's plans). */
  fleet: Fleet;
}

/** What a checkout depends on: runs queued at the same commits share one. */
type CommitSet = Pick<RemoteRunPayload, 'manifestPath' | 'repoShas'>;

export interface ClaimPreparer {
  prepare(payload: CommitSet): Promise<PreparedCommit>;
  /**
   * Prepares the commit this worker's own checkout is at before any run asks
   * for it (one repository only: other repos' shas are the run's to say). A
   * long-lived worker mostly gets runs queued at that commit, whose first
   * stacks then start without waiting for a worktree and a manifest parse
   * (~0.1-0.4 s). Best effort: resolves when done, never rejects.
   */
  prepareAhead(): Promise<void>;
  adapters: Record<RunnerKind, StackRunnerAdapter>;
  /** Lets other runs move the repos' working directories again. */
  release(): Promise<void>;
}

/**
 * A worker runs the commit a run recorded, from its own checkout: a detached
 * worktree of its repository per commit (`checkoutCommit`, fetched from
 * origin when missing), the manifest read there, other repos checked out at
 * the recorded shas. Prepared once per commit set and reused for every stack.
 */
export function createClaimPreparer(fleet: Fleet, env: Record<string, string | undefined>, note: (message: string) => void): ClaimPreparer {
  const prepared = new Map<string, Promise<PreparedCommit>>();
  const releases: Array<() => Promise<void>> = [];
  let repoRoot: Promise<string> | undefined;
  const prepareOnce = async (payload: CommitSet): Promise<PreparedCommit> => {
    repoRoot ??= readRepoRoot(fleet.manifestDir);
    const root = await repoRoot;
    const sha = payload.repoShas[''] ?? '';
    const dir = await checkoutCommit(root, sha, workerCommitDir(fleet.stateDir, sha));
    const atCommit = readFleet(dir, join(dir, payload.manifestPath));
    const refs = Object.fromEntries(Object.entries(payload.repoShas).filter(([name, repoSha]) => name !== '' && repoSha !== ''));
    const checkout = await checkoutRepos(atCommit.loaded.manifest, {
      manifestDir: atCommit.manifestDir,
      // The worker's own state dir: clones and checkouts are shared by every commit it runs.
      stateDir: fleet.stateDir,
      refs,
      locate: atCommit.loaded.locate,
      onNote: note,
    });
    for (const warning of checkout.warnings) note(`warning: ${warning}`);
    releases.push(() => checkout.release());
    return { manifest: atCommit.loaded.manifest, manifestDir: atCommit.manifestDir, repoDirs: checkout.dirs, workerRepoRoot: root, fleet: atCommit };
  };
  const prepare = (payload: CommitSet): Promise<PreparedCommit> => {
    const key = JSON.stringify([payload.manifestPath, Object.entries(payload.repoShas).sort()]);
    let entry = prepared.get(key);
    if (!entry) {
      entry = prepareOnce(payload);
      // A failure (commit unavailable) is tried again for the next stack: it may have been pushed since.
      entry.catch(() => prepared.delete(key));
      prepared.set(key, entry);
    }
    return entry;
  };
  return {
    prepare,
    async prepareAhead() {
      if (Object.keys(fleet.loaded.manifest.repos).length > 0) return;
      try {
        repoRoot ??= readRepoRoot(fleet.manifestDir);
        const root = await repoRoot;
        const sha = await readCommitSha(root, 'HEAD');
        if (sha === undefined) return;
        // As a follower records it (repository-relative, symlinks resolved), so the run's claims find this entry.
        const manifestPath = relative(root, realpathSync(fleet.manifestPath)).split(sep).join('/');
        await prepare({ manifestPath, repoShas: { '': sha } });
      } catch {
        // The run's own claim prepares (and reports) it.
      }
    },
    adapters: {
      terraform: createTerraformAdapter({ binary: env.STACKFLEET_TERRAFORM_BINARY ?? 'terraform' }),
      tofu: createTerraformAdapter({ binary: env.STACKFLEET_TOFU_BINARY ?? 'tofu' }),
      command: createCommandAdapter(),
    },
    async release() {
      await Promise.allSettled(releases.map((release) => release()));
    },
  };
}
