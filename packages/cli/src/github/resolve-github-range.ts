import { StackfleetError } from '@stackfleet/core';
import { isNullSha } from '@stackfleet/github';
import { GitCommandError, readCommitSha, runGit } from '@stackfleet/vcs';
import type { CommandContext } from '../command-context.js';
import type { Fleet } from '../manifest/read-manifest.js';
import { detectAffected } from '../runtime/detect-affected.js';
import { openStore } from '../runtime/open-runtime.js';
import { readLastApply, type RunCache } from '../runtime/read-last-apply.js';

/** What `--affected` compares on GitHub: a base/head pair, or stacks already decided. */
export type GithubRange = { base: string; head: string } | { affected: Map<string, string> };

/**
 * A pull request's diff as its "Files changed" tab shows it: three-dot, from
 * the merge base of `base.sha` and `head.sha` to `head.sha`.
 */
export async function resolvePullRequestRange(repoRoot: string, pull: { baseSha: string; headSha: string }): Promise<GithubRange> {
  for (const sha of [pull.baseSha, pull.headSha]) await requireCommit(repoRoot, sha);
  const mergeBase = (await runGit(['merge-base', pull.baseSha, pull.headSha], { cwd: repoRoot })).trim();
  return { base: mergeBase, head: pull.headSha };
}

/**
 * A push: `before..after`. A new branch (all-zero `before`) has no base, so
 * each stack is compared with the commit it was last applied at instead
 * (never applied: affected).
 */
export async function resolvePushRange(context: CommandContext, fleet: Fleet, repoRoot: string, push: { before: string; after: string }): Promise<GithubRange> {
  await requireCommit(repoRoot, push.after);
  if (!isNullSha(push.before) && push.before !== '') {
    await requireCommit(repoRoot, push.before);
    return { base: push.before, head: push.after };
  }
  return { affected: await selectSinceLastApply(context, fleet, repoRoot, push.after) };
}

async function selectSinceLastApply(context: CommandContext, fleet: Fleet, repoRoot: string, head: string): Promise<Map<string, string>> {
  const store = openStore(fleet, context.io.env);
  const runs: RunCache = new Map();
  const bySha = new Map<string, string[]>();
  const affected = new Map<string, string>();
  try {
    for (const name of Object.keys(fleet.loaded.manifest.stacks).sort()) {
      const sha = (await readLastApply(store, name, runs))?.repoShas[''];
      if (!sha) affected.set(name, 'never applied');
      else bySha.set(sha, [...(bySha.get(sha) ?? []), name]);
    }
  } finally {
    await store.close();
  }
  for (const [sha, names] of [...bySha].sort(([a], [b]) => a.localeCompare(b))) {
    if (sha === head) continue;
    if (!(await readCommitSha(repoRoot, sha))) {
      for (const name of names) affected.set(name, `last applied at ${sha.slice(0, 7)}, which is no longer in the history`);
      continue;
    }
    const found = await detectAffected(fleet, { base: sha, head, env: context.io.env, note: context.note });
    for (const name of names) {
      const reason = found.affected.get(name);
      if (reason !== undefined) affected.set(name, `since its last apply at ${sha.slice(0, 7)}: ${reason}`);
    }
  }
  context.note(`note: the push has no base (a new branch): ${affected.size} stack(s) changed since they were last applied`);
  return new Map([...affected].sort(([a], [b]) => a.localeCompare(b)));
}

async function requireCommit(repoRoot: string, sha: string): Promise<void> {
  try {
    if (await readCommitSha(repoRoot, sha)) return;
  } catch (error) {
    if (!(error instanceof GitCommandError)) throw error;
  }
  throw new StackfleetError('E_UNKNOWN_REF', `commit ${sha} from the GitHub event is not in the checkout at ${repoRoot}`, {
    hint: 'check out the whole history: actions/checkout with `fetch-depth: 0`',
  });
}
