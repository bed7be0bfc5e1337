import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { baseManifestCachePath, type Manifest } from '@stackfleet/core';

// Bump when the Manifest model or what parseManifest makes of a file changes:
// an entry written by another format is ignored.
const FORMAT = 1;

/**
 * The manifest as it was at base, kept in the state directory so that the
 * next `affected` / `--affected` against the same base does not validate it
 * again (on 5,000 stacks that was ~0.4 s of a ~1 s run; reading it back,
 * ~30 ms). One slot per manifest path: a new base replaces the entry. The
 * key covers the file's text, the name it was parsed under (which names the
 * base commit) and the Node version (v8's serialization format); a damaged,
 * missing or foreign entry reads as absent. Only valid manifests are kept:
 * the rules ran when the entry was written.
 */
export interface BaseManifestCache {
  read(): Manifest | undefined;
  write(manifest: Manifest): void;
}

export function openBaseManifestCache(stateDir: string, manifestPath: string, source: string, text: string): BaseManifestCache {
  const slot = createHash('sha1').update(manifestPath).digest('hex').slice(0, 16);
  const file = baseManifestCachePath(stateDir, slot);
  const key = createHash('sha1').update(`${FORMAT}\0${process.version}\0${source}\0`).update(text).digest('hex');
  return {
    read() {
      try {
        const bytes = readFileSync(file);
        if (bytes.subarray(0, key.length).toString('latin1') !== key) return undefined;
        return deserialize(bytes.subarray(key.length)) as Manifest;
      } catch {
        return undefined;
      }
    },
    write(manifest) {
      try {
        // Private like the rest of the state directory (its variables may be nobody else's business).
        mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
        // Written aside, then renamed: a concurrent run reads the old entry or the new one.
        const temporary = `${file}.${process.pid}.tmp`;
        try {
          writeFileSync(temporary, Buffer.concat([Buffer.from(key, 'latin1'), serialize(manifest)]), { mode: 0o600 });
          renameSync(temporary, file);
        } finally {
          rmSync(temporary, { force: true });
        }
      } catch {
        // A read-only state directory: the next run parses the base again, nothing worse.
      }
    },
  };
}
