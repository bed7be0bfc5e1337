import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { runGit } from '../git/run-git.js';

export interface RemoveOldCheckoutsOptions {
  stateDir: string;
  /** Checkouts last touched before this go (the newest of each repo always stays). */
  olderThan: Date;
  dryRun?: boolean;
}

/**
 * Removes old checkouts of remote repos (`<stateDir>/worktrees/<repo>/<sha>`,
 * the layout `checkoutRepos` makes) and prunes them from their cache clone
 * (`<stateDir>/repos/<repo>.git`). The newest checkout of each repo stays:
 * the next run most likely needs it. Returns the removed directories.
 */
export async function removeOldCheckouts(options: RemoveOldCheckoutsOptions): Promise<string[]> {
  const root = join(options.stateDir, 'worktrees');
  const removed: string[] = [];
  for (const repo of (await readdir(root).catch(() => [] as string[])).sort()) {
    const shas = await readdir(join(root, repo)).catch(() => [] as string[]);
    const dated = await Promise.all(shas.map(async (sha) => ({ dir: join(root, repo, sha), mtimeMs: (await stat(join(root, repo, sha))).mtimeMs })));
    dated.sort((a, b) => b.mtimeMs - a.mtimeMs);
    const old = dated.slice(1).filter((checkout) => checkout.mtimeMs < options.olderThan.getTime());
    if (old.length === 0) continue;
    if (!options.dryRun) {
      for (const checkout of old) await rm(checkout.dir, { recursive: true, force: true });
      // The clone still lists them as worktrees until pruned.
      await runGit(['worktree', 'prune'], { cwd: join(options.stateDir, 'repos', `${repo}.git`) }).catch(() => undefined);
    }
    removed.push(...old.map((checkout) => checkout.dir));
  }
  return removed;
}
