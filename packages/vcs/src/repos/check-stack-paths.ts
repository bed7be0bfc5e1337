import { realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { Locator, Manifest, Problem } from '@stackfleet/core';

export interface CheckedOutRepo {
  name: string;
  dir: string;
  sha: string;
  /** The ref the manifest asked for, as the user wrote it. */
  ref: string;
}

/**
 * The disk half of "a stack path must stay inside its repository" for a repo
 * that was just checked out: its `path` must exist at that sha and, once
 * symlinks are resolved, stay inside the checkout. A committed
 * `stacks/evil -> /host/dir` would otherwise make the stack run in a host
 * directory.
 */
export async function checkStackPaths(manifest: Manifest, repo: CheckedOutRepo, locate?: Locator): Promise<Problem[]> {
  const problems: Problem[] = [];
  const root = await realpath(repo.dir);
  const at = `${repo.ref} (${repo.sha.slice(0, 7)})`;
  for (const stack of Object.values(manifest.stacks).sort((a, b) => a.name.localeCompare(b.name))) {
    if (stack.repo !== repo.name) continue;
    const keyPath = `stacks.${stack.name}.path`;
    const location = locate?.(keyPath);
    const real = await realpath(join(repo.dir, stack.path)).catch(() => undefined);
    const isDir = real !== undefined && (await stat(real).then((info) => info.isDirectory(), () => false));
    if (real === undefined || (!isDir && (real === root || real.startsWith(root + sep)))) {
      problems.push({
        code: 'E_PATH_MISSING',
        message: `"${stack.path}" does not exist in repo ${repo.name} at ${at}`,
        hint: `commit the directory to repo ${repo.name}, or fix the path (it is relative to the repository root)`,
        keyPath,
        ...(location ? { location } : {}),
      });
      continue;
    }
    if (real !== root && !real.startsWith(root + sep)) {
      problems.push({
        code: 'E_PATH_ESCAPE',
        message: `path "${stack.path}" resolves through a symlink to ${real}, outside repo ${repo.name} at ${at}`,
        hint: 'a stack must live inside its repository; nothing was run there. Point path at a real directory in the repo',
        keyPath,
        ...(location ? { location } : {}),
      });
    }
  }
  return problems;
}
