import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * stackfleet's directory in the user's cache (`$XDG_CACHE_HOME/stackfleet`,
 * else `~/.cache/stackfleet`): what only saves time lives there (the bundles'
 * code cache, completion's stack names), never anything a run needs.
 */
export function locateCacheDir(env: NodeJS.ProcessEnv | Record<string, string | undefined>): string {
  const base = env['XDG_CACHE_HOME'] || (homedir() ? join(homedir(), '.cache') : tmpdir());
  return join(base, 'stackfleet');
}

/**
 * 64 bits of FNV-1a (two 32-bit rounds) as hex: names a cache file after a
 * path. Not node:crypto, whose loading alone cost more than the rest of the
 * bundle loader.
 */
export function hashPath(path: string): string {
  let low = 0x811c9dc5;
  let high = 0x01000193;
  for (let index = 0; index < path.length; index += 1) {
    const code = path.charCodeAt(index);
    low = Math.imul(low ^ code, 0x01000193) >>> 0;
    high = Math.imul(high ^ code, 0x811c9dc5) >>> 0;
  }
  return low.toString(16).padStart(8, '0') + high.toString(16).padStart(8, '0');
}

/**
 * Writes a cache file aside, then renames it: a concurrent run reads the old
 * file or the new one, never half of one. Throws what the disk says; callers
 * ignore it (a cache only ever saves time).
 */
export function writeCacheFile(file: string, bytes: string | Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, bytes);
    renameSync(temporary, file);
  } finally {
    rmSync(temporary, { force: true });
  }
}
