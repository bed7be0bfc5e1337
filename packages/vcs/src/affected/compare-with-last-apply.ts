import { join } from 'node:path';
import { selectAffectedStacks, type ModuleSource, type StackSpec, type Manifest } from '@stackfleet/core';
import { parseNameStatus } from '../changes/parse-name-status.js';
import { readCommitSha } from '../git/resolve-commit.js';
import { runGit } from '../git/run-git.js';
import { readModuleFiles } from '../modules/read-module-files.js';
import { readModuleSources } from '../modules/read-module-sources.js';
import { selectRelevantModuleDirs } from '../modules/select-relevant-module-dirs.js';

/** The repo shas of a stack's last successful apply (its run's `repoShas`); undefined when it was never applied. */
export type LastAppliedShasReader = (stack: string) => Promise<Record<string, string> | undefined>;

export interface RemoteRepoHead {
  name: string;
  /** The checkout of the resolved head. */
  dir: string;
  /** The ref as the manifest names it (`main`, `v1.4.0`, `HEAD`). */
  ref: string;
  sha: string;
}

const short = (sha: string): string => sha.slice(0, 7);

/**
 * Affected stacks of one remote repo compared with what was last applied:
 * per stack, its files (and module directories and watch globs) between the
 * repo sha of its last successful apply and the resolved head. A branch that
 * gains commits thus makes exactly the stacks it touches affected, each once,
 * until the head has been applied. Never applied: affected.
 */
export async function compareWithLastApply(
  manifest: Manifest,
  repo: RemoteRepoHead,
  readLastAppliedShas: LastAppliedShasReader,
): Promise<Map<string, string>> {
  const affected = new Map<string, string>();
  const groups = new Map<string, StackSpec[]>();
  const stacks = Object.values(manifest.stacks).filter((stack) => stack.repo === repo.name).sort((a, b) => a.name.localeCompare(b.name));
  for (const stack of stacks) {
    const last = (await readLastAppliedShas(stack.name))?.[repo.name];
    if (!last) {
      affected.set(stack.name, `repo ${repo.name}: never applied; now at ${repo.ref} (${short(repo.sha)})`);
      continue;
    }
    if (last === repo.sha) continue;
    groups.set(last, [...(groups.get(last) ?? []), stack]);
  }
  for (const [last, group] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const moved = `repo ${repo.name}: ${repo.ref} moved ${short(last)} -> ${short(repo.sha)} since the last apply`;
    if (!(await readCommitSha(repo.dir, last))) {
      // A force-push dropped the applied commit: nothing to diff against, so it must run.
      for (const stack of group) affected.set(stack.name, `${moved}; ${short(last)} is no longer in its history`);
      continue;
    }
    const diff = await runGit(['diff', '--name-status', '-z', '-M', '--no-color', '--no-ext-diff', last, repo.sha, '--'], { cwd: repo.dir });
    const files = parseNameStatus(diff);
    if (files.length === 0) continue;
    const changedPaths = files.flatMap((file) => (file.oldPath ? [file.path, file.oldPath] : [file.path]));
    const candidates = await selectRelevantModuleDirs(repo.dir, await readModuleFiles(repo.dir), changedPaths);
    const cache = new Map<string, Promise<string[]>>();
    const modules: Record<string, ModuleSource[]> = {};
    if (candidates.size > 0) {
      for (const stack of group) modules[stack.name] = await readModuleSources(join(repo.dir, stack.path), repo.dir, { candidates, cache });
    }
    const subset: Manifest = { ...manifest, stacks: Object.fromEntries(group.map((stack) => [stack.name, stack])) };
    const result = selectAffectedStacks({ manifest: subset, manifestPath: '', changes: { [repo.name]: files }, modules });
    const prefix = `${repo.name}:`;
    for (const [stack, reason] of result.affected) {
      affected.set(stack, `${moved}; ${reason.startsWith(prefix) ? reason.slice(prefix.length) : reason}`);
    }
  }
  return affected;
}
