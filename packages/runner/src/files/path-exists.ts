import { access } from 'node:fs/promises';

/** Whether something exists at `path` (any kind of file; a broken link reads as absent). */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
