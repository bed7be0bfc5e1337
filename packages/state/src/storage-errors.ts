import { StackfleetError } from '@stackfleet/core';

/** SQLite's and the OS's ways of saying the disk (or a size limit) is full. */
const fullCodes = new Set(['SQLITE_FULL', 'ENOSPC', 'EFBIG', 'EDQUOT']);

/**
 * A write the disk refused, as a clear error instead of `internal error:
 * SqliteError: database or disk is full`. Anything else is returned as is.
 */
export function describeStorageError(error: unknown, path: string): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !fullCodes.has(code)) return error;
  return new StackfleetError('E_STATE_FULL', `cannot write the state database "${path}": no space left on the disk (${code})`, {
    hint: 'free space on that disk, then run `stackfleet resume` to continue the run (stacks that finished are not run again)',
    cause: error,
  });
}
