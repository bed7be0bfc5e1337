import type { RunnerKind, Store } from '@stackfleet/core';
import { createCommandAdapter, createTerraformAdapter, type StackRunnerAdapter } from '@stackfleet/runner';
import { checkoutRepos, readGitIdentity, type GitIdentity } from '@stackfleet/vcs';
import type { Fleet } from '../manifest/read-manifest.js';
import { openStore } from './open-store.js';

/**
 * The IO half of a run: store, repository checkouts, runner adapters. One
 * runtime serves one run, or the two runs of an apply that plans every stack
 * first and applies the plans at once (plan-then-apply.ts): those see the
 * same commit, checkouts and git identity.
 */
export interface Runtime {
  store: Store;
  repoDirs: Record<string, string>;
  repoShas: Record<string, string>;
  adapters: Record<RunnerKind, StackRunnerAdapter>;
  /**
   * Who runs on which branch and commit (for policies' `input.run`), asked of git once per runtime
   * (the first call's `email` decides: false when the environment names the actor).
   */
  readGitIdentity(options?: { email?: boolean }): Promise<GitIdentity>;
  close(): Promise<void>;
}

export { openStore } from './open-store.js';

export async function openRuntime(
  fleet: Fleet,
  env: Record<string, string | undefined>,
  note: (message: string) => void,
): Promise<Runtime> {
  const checkout = await checkoutRepos(fleet.loaded.manifest, {
    manifestDir: fleet.manifestDir,
    stateDir: fleet.stateDir,
    locate: fleet.loaded.locate,
    onNote: note,
  });
  for (const warning of checkout.warnings) note(`warning: ${warning}`);
  let store: Store;
  try {
    store = openStore(fleet, env);
  } catch (error) {
    await checkout.release();
    throw error;
  }
  let identity: Promise<GitIdentity> | undefined;
  return {
    store,
    repoDirs: checkout.dirs,
    repoShas: checkout.shas,
    adapters: {
      terraform: createTerraformAdapter({ binary: env.STACKFLEET_TERRAFORM_BINARY ?? 'terraform' }),
      tofu: createTerraformAdapter({ binary: env.STACKFLEET_TOFU_BINARY ?? 'tofu' }),
      command: createCommandAdapter(),
    },
    // HEAD of the manifest's repository and its branch were read with its root (`checkoutRepos`): policies see that commit.
    readGitIdentity: (options = {}) =>
      (identity ??= readGitIdentity(fleet.manifestDir, {
        head: checkout.shas[''],
        ...(checkout.branch === undefined ? {} : { branch: checkout.branch }),
        ...(options.email === false ? { email: false as const } : {}),
      })),
    // Other runs may move the repos' working directories once this one is over.
    close: async () => {
      try {
        await store.close();
      } finally {
        await checkout.release();
      }
    },
  };
}
