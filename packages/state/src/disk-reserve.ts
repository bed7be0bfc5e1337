import { rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Enough for SQLite to append a few WAL frames: the run's last word, `interrupted`. */
const reserveBytes = 64 * 1024;

function reservePath(stateDir: string): string {
  return join(stateDir, 'disk-reserve');
}

/**
 * Keeps a small file of zeros in the state dir. When the disk fills up
 * during a run, `releaseDiskReserve` frees it so the store can still record
 * the run `interrupted` (resumable) instead of leaving it `running`. No
 * room for it now is no error: the run simply has no reserve.
 */
export function reserveDiskSpace(stateDir: string): void {
  const path = reservePath(stateDir);
  try {
    if (statSync(path).size === reserveBytes) return;
  } catch {
    // missing: create it below
  }
  try {
    writeFileSync(path, Buffer.alloc(reserveBytes), { mode: 0o600 });
  } catch {
    rmSync(path, { force: true });
  }
}

/** Frees the reserve (once; later calls find nothing to free). */
export function releaseDiskReserve(stateDir: string): void {
  try {
    unlinkSync(reservePath(stateDir));
  } catch {
    // already released, or never made
  }
}
