import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { StackfleetError } from '@stackfleet/core/errors';

export const MANIFEST_NAME = 'stacks.yaml';

/**
 * SPEC §1: `-f/--file PATH`, else `./stacks.yaml`, else the nearest
 * `stacks.yaml` in a parent directory.
 */
export function findManifest(cwd: string, file?: string): string {
  if (file !== undefined) {
    const path = resolve(cwd, file);
    if (!existsSync(path)) {
      throw new StackfleetError('E_MANIFEST_NOT_FOUND', `manifest "${file}" does not exist`, {
        hint: 'check the path given to -f/--file',
      });
    }
    return path;
  }
  let dir = resolve(cwd);
  for (;;) {
    const candidate = join(dir, MANIFEST_NAME);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new StackfleetError('E_MANIFEST_NOT_FOUND', `no ${MANIFEST_NAME} in ${cwd} or any parent directory`, {
    hint: `create one (see docs/manifest.md) or pass -f PATH`,
  });
}
