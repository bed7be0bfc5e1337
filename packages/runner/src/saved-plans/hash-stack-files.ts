import { createHash } from 'node:crypto';
import { readdir, readFile, readlink } from 'node:fs/promises';
import { join, relative } from 'node:path';

/**
 * What terraform and the stack's tools write while they work, not what the
 * stack deploys: provider caches, local state (terraform checks that itself
 * when it applies a plan), the lock file `init` writes, git's own files.
 */
const IGNORED_NAMES = new Set(['.terraform', '.git', '.terraform.lock.hcl', '.terraform.tfstate.lock.info']);
const IGNORED_SUFFIXES = ['.tfstate', '.tfstate.backup', '.tfplan'];

/**
 * sha256 of every file under a stack's directory, by path relative to it
 * (sorted), so a stale plan names the file that changed. `exclude` lists
 * relative paths stackfleet writes itself (context `files`, compared as inputs).
 * Symlinks are hashed as their target text, never followed.
 */
export async function hashStackFiles(
  dir: string,
  exclude: ReadonlySet<string> = new Set(),
  /** Absolute directories never read: the state directory, when a stack lives above it (`path: .`). */
  skipDirs: ReadonlySet<string> = new Set(),
): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  const pending = [dir];
  while (pending.length > 0) {
    const current = pending.pop()!;
    const entries = await readdir(current, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (IGNORED_NAMES.has(entry.name) || IGNORED_SUFFIXES.some((suffix) => entry.name.endsWith(suffix))) continue;
      const path = join(current, entry.name);
      const name = relative(dir, path);
      if (exclude.has(name)) continue;
      if (entry.isDirectory()) {
        if (!skipDirs.has(path)) pending.push(path);
      } else if (entry.isSymbolicLink()) hashes.set(name, sha256(`symlink:${await readlink(path)}`));
      else if (entry.isFile()) hashes.set(name, sha256(await readFile(path)));
    }
  }
  return new Map([...hashes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Hashes of stack directories already read, by directory and exclusions (`hashStackFilesOnce`). */
export type StackFileHashes = Map<string, Promise<Map<string, string>>>;

/** `hashStackFiles`, read once per directory and exclusions for the lifetime of `cache`. */
export function hashStackFilesOnce(
  cache: StackFileHashes,
  dir: string,
  exclude: ReadonlySet<string>,
  skipDirs: ReadonlySet<string>,
): Promise<Map<string, string>> {
  const key = JSON.stringify([dir, [...exclude].sort(), [...skipDirs].sort()]);
  let hashes = cache.get(key);
  if (hashes === undefined) {
    hashes = hashStackFiles(dir, exclude, skipDirs);
    // A failed read is not remembered: the next stack reads again.
    hashes.catch(() => cache.delete(key));
    cache.set(key, hashes);
  }
  return hashes;
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
