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

/**
 * PostgreSQL's SQLSTATEs for a server that refuses a write for lack of
 * resources (class 53). They are the same situation as a full local disk for
 * a run: stop cleanly, record it interrupted if that last write still gets
 * through, and `resume` once the server has room again.
 */
const pgResourceStates: Record<string, string> = {
  '53000': 'the database server is out of resources',
  '53100': 'no space left on the database server\'s disk',
  '53200': 'the database server is out of memory',
  '53300': 'the database server has too many connections',
};

/** A PostgreSQL write refused for lack of disk, memory or connections, as `E_STATE_FULL`; anything else as is. */
export function describePgStorageError(error: unknown, where: string): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  const reason = typeof code === 'string' ? pgResourceStates[code] : undefined;
  if (reason === undefined) return error;
  return new StackfleetError('E_STATE_FULL', `cannot write the state database ${where}: ${reason} (SQLSTATE ${code as string})`, {
    hint: 'free space (or memory, or connections) on the database server, then run `stackfleet resume` to continue the run (stacks that finished are not run again)',
    cause: error,
  });
}
