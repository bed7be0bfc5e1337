import { isRemoteRepoUrl } from '@stackfleet/core';
import { detectAffectedStacks, type AffectedStacks } from '@stackfleet/vcs';
import type { Fleet } from '../manifest/read-manifest.js';
import { openStore } from './open-runtime.js';
import { readLastApply, type RunCache } from './read-last-apply.js';

export interface DetectAffectedFlags {
  base?: string;
  head?: string;
  env: Record<string, string | undefined>;
  note: (message: string) => void;
}

/**
 * `detectAffectedStacks` for a fleet, with what the store knows: a remote repo
 * that `--base` does not reach is compared, per stack, with the sha of the
 * stack's last successful apply. The store is opened only when the fleet has
 * remote repos.
 */
export async function detectAffected(fleet: Fleet, flags: DetectAffectedFlags): Promise<AffectedStacks> {
  const hasRemote = Object.values(fleet.loaded.manifest.repos).some((repo) => isRemoteRepoUrl(repo.url));
  const store = hasRemote ? openStore(fleet, flags.env) : undefined;
  const runs: RunCache = new Map();
  try {
    return await detectAffectedStacks(fleet.loaded, {
      manifestPath: fleet.manifestPath,
      manifestDir: fleet.manifestDir,
      stateDir: fleet.stateDir,
      ...(flags.base === undefined ? {} : { base: flags.base }),
      ...(flags.head === undefined ? {} : { head: flags.head }),
      onNote: (message) => flags.note(`note: ${message}`),
      ...(store ? { readLastAppliedShas: async (stack: string) => (await readLastApply(store, stack, runs))?.repoShas } : {}),
    });
  } finally {
    await store?.close();
  }
}
