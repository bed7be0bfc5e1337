import { readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';

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
    const [parent, name] = splitParent(path);
    const entry = parent === path ? undefined : listingOf(parent)?.get(name);
    if (entry?.isDirectory()) {
      const realParent = realPathOf(parent);
      if (realParent !== undefined) return appendName(realParent, entry.name);
    }
    const real = realPathOf(path);
    return real !== undefined && isDirectory(real) ? real : undefined;
  };
  return (path) => {
    if (!resolved.has(path)) resolved.set(path, resolve(path));
    return resolved.get(path);
  };
}

// `dirname`/`basename`/`join` re-read the whole path each time; for the
// usual normalized absolute path (no trailing separator) a slice does.
function splitParent(path: string): [parent: string, name: string] {
  const last = path.lastIndexOf(sep);
  if (last <= 0 || last === path.length - 1) return [dirname(path), basename(path)];
  return [path.slice(0, last), path.slice(last + 1)];
}

/** `join(realParent, name)` for a real path (absolute, normalized) and a directory entry's name. */
function appendName(realParent: string, name: string): string {
  return realParent.endsWith(sep) ? realParent + name : realParent + sep + name;
}

// A relative path of plain names only: no `.`/`..` segment, no empty segment, no trailing slash.
const PLAIN_RELATIVE = /^(?!\.\.?(?:\/|$))[^/]+(?:\/(?!\.\.?(?:\/|$))[^/]+)*$/;

/**
 * `join(root, path)` for a normalized absolute `root`: a plain relative
 * path (`stacks/app`, the usual stack path) is appended as is instead of
 * normalizing the joined string again (10,000 stacks, 10,000 joins).
 */
export function joinUnderRoot(root: string, path: string): string {
  if (sep !== '/' || !PLAIN_RELATIVE.test(path)) return join(root, path);
  return appendName(root, path);
}

function tryRealpath(path: string): string | undefined {
  try {
    return realpathSync.native(path);
  } catch {
    return undefined;
  }
}

function tryReaddir(path: string): Map<string, Dirent> | undefined {
  let entries: Dirent[];
  try {
    entries = readdirSync(path, { withFileTypes: true });
  } catch {
    return undefined;
  }
  // A loop, not new Map(entries.map(...)): no pair array per entry.
  const listing = new Map<string, Dirent>();
  for (const entry of entries) listing.set(entry.name, entry);
  return listing;
}

function isDirectory(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}
