import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempDir {
  /** Absolute, symlink-free path (so it compares equal to what processes report as their cwd). */
  path: string;
  /** Removes the directory and everything in it. */
  cleanup: () => Promise<void>;
}

/** A fresh empty directory under the OS temp dir. @param prefix @default "stackfleet-" */
export async function createTempDir(prefix = 'stackfleet-'): Promise<TempDir> {
  const path = await realpath(await mkdtemp(join(tmpdir(), prefix)));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}
