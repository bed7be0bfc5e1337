import { closeSync, fchmodSync, openSync } from 'node:fs';

/**
 * Creates (or empties) a file readable by its owner only, whatever the umask.
 * A program given this path (terraform's `-out`, a command's
 * `$STACKFLEET_OUTPUTS`) truncates it and keeps the mode, so plans and
 * outputs never land on disk world-readable.
 *
 * Synchronous: three short system calls on a local file cost the main thread
 * less than three thread-pool round trips, and every stack's apply makes one
 * (issue #17, per-stack overhead).
 */
export async function createPrivateFile(path: string): Promise<void> {
  const fd = openSync(path, 'w', 0o600);
  try {
    // The mode given to open applies only when the file is new.
    fchmodSync(fd, 0o600);
  } finally {
    closeSync(fd);
  }
}
