import { readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Resolves directories to their real path, reading each parent directory
 * once instead of calling realpath(3) per path: a fleet keeps thousands of
 * stack directories side by side (`stacks/<name>`), and realpath walks every
 * component of every path (10,000 stacks: ~20,000 realpath calls before,
 * a handful of readdir calls now). A plain directory entry's real path is its
 * parent's real path plus its name; symlinks and anything unusual take the
 * exact route.
 */
export function createRealDirectoryResolver(): (path: string) => string | undefined {
  const realPaths = new Map<string, string | undefined>();
  const listings = new Map<string, Map<string, Dirent> | undefined>();

  const realPathOf = (path: string): string | undefined => {
    if (!realPaths.has(path)) realPaths.set(path, tryRealpath(path));
    return realPaths.get(path);
  };
  const listingOf = (path: string): Map<string, Dirent> | undefined => {
    if (!listings.has(path)) listings.set(path, tryReaddir(path));
    return listings.get(path);
  };

  // Every stack of a repository asks for the repository's root again: answered once.
  const resolved = new Map<string, string | undefined>();
  const resolve = (path: string): string | undefined => {
    const parent = dirname(path);
    const entry = parent === path ? undefined : listingOf(parent)?.get(basename(path));
    if (entry?.isDirectory()) {
      const realParent = realPathOf(parent);
      if (realParent !== undefined) return join(realParent, entry.name);
    }
    const real = realPathOf(path);
    return real !== undefined && isDirectory(real) ? real : undefined;
  };
  return (path) => {
    if (!resolved.has(path)) resolved.set(path, resolve(path));
    return resolved.get(path);
  };
}

function tryRealpath(path: string): string | undefined {
  try {
    return realpathSync.native(path);
  } catch {
    return undefined;
  }
}

function tryReaddir(path: string): Map<string, Dirent> | undefined {
  try {
    return new Map(readdirSync(path, { withFileTypes: true }).map((entry) => [entry.name, entry]));
  } catch {
    return undefined;
  }
}

function isDirectory(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}
