import { open } from 'node:fs/promises';

/**
 * Creates (or empties) a file readable by its owner only, whatever the umask.
 * A program given this path (terraform's `-out`, a command's
 * `$STACKFLEET_OUTPUTS`) truncates it and keeps the mode, so plans and
 * outputs never land on disk world-readable.
 */
export async function createPrivateFile(path: string): Promise<void> {
  const handle = await open(path, 'w', 0o600);
  try {
    // The mode given to open applies only when the file is new.
    await handle.chmod(0o600);
  } finally {
    await handle.close();
  }
}
