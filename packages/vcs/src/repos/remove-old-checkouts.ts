import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { legacyWorktreesRoot, repoCacheDir } from '@stackfleet/core';
import { runGit } from '../git/run-git.js';

export interface RemoveOldCheckoutsOptions {
  stateDir: string;
  /** Checkouts last touched before this go. */
  olderThan: Date;
  dryRun?: boolean;
}

export interface RemovedCheckouts {
  removed: string[];
  /** Old checkouts left in place because they hold terraform state (see checkoutRepos' warning). */
  kept: string[];
}

/**
 * Removes the per-sha checkouts of remote repos that earlier versions made
 * (`<stateDir>/worktrees/<repo>/<sha>`; today each repo has one working
 * directory, `<stateDir>/checkouts/<repo>`, which is never old) and prunes
 * them from their cache clone (`<stateDir>/repos/<repo>.git`). A checkout
 * holding local terraform state (`terraform.tfstate*`, `.terraform/`) is kept
 * and reported: that state must be moved by hand, never deleted by a cleanup.
 */
export async function removeOldCheckouts(options: RemoveOldCheckoutsOptions): Promise<RemovedCheckouts> {
  const root = legacyWorktreesRoot(options.stateDir);
  const result: RemovedCheckouts = { removed: [], kept: [] };
  for (const repo of (await readdir(root).catch(() => [] as string[])).sort()) {
    let pruned = false;
    for (const sha of (await readdir(join(root, repo)).catch(() => [] as string[])).sort()) {
      const dir = join(root, repo, sha);
      if ((await stat(dir)).mtimeMs >= options.olderThan.getTime()) continue;
      if (await holdsTerraformState(dir)) {
        result.kept.push(dir);
        continue;
      }
      if (!options.dryRun) await rm(dir, { recursive: true, force: true });
      result.removed.push(dir);
      pruned = true;
    }
    // The clone lists them as worktrees until pruned.
    if (pruned && !options.dryRun) await runGit(['worktree', 'prune'], { cwd: repoCacheDir(options.stateDir, repo) }).catch(() => undefined);
  }
  return result;
}

async function holdsTerraformState(dir: string): Promise<boolean> {
  const pending = [dir];
  while (pending.length > 0) {
    const current = pending.pop()!;
    for (const entry of await readdir(current, { withFileTypes: true }).catch(() => [])) {
      if (entry.name.startsWith('terraform.tfstate') || entry.name === '.terraform') return true;
      if (entry.isDirectory() && entry.name !== '.git') pending.push(join(current, entry.name));
    }
  }
  return false;
}
