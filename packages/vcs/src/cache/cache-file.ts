import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * One entry of a cache in the state directory: `key` (hex or latin1 text)
 * heads the file, the value follows. A missing, damaged or foreign entry
 * reads as absent; a failed write (a read-only state directory) is ignored:
 * the next run computes the value again, nothing worse.
 */
export interface CacheFile {
  read(): Buffer | undefined;
  write(value: Buffer): void;
}

export function openCacheFile(file: string, key: string): CacheFile {
  return {
    read() {
      try {
        const bytes = readFileSync(file);
        return bytes.subarray(0, key.length).toString('latin1') === key ? bytes.subarray(key.length) : undefined;
      } catch {
        return undefined;
      }
    },
    write(value) {
      try {
        // Private like the rest of the state directory (what it holds may be nobody else's business).
        mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
        // Written aside, then renamed: a concurrent run reads the old entry or the new one.
        const temporary = `${file}.${process.pid}.tmp`;
        try {
          writeFileSync(temporary, Buffer.concat([Buffer.from(key, 'latin1'), value]), { mode: 0o600 });
          renameSync(temporary, file);
        } finally {
          rmSync(temporary, { force: true });
        }
      } catch {
        // Read-only or full: see above.
      }
    },
  };
}
