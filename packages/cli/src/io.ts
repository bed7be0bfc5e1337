import type { Writable } from 'node:stream';

/** Everything a command may touch of the outside world, passed in so tests can drive it. */
export interface CliIo {
  stdout: Writable & { isTTY?: boolean; columns?: number; rows?: number };
  stderr: Writable & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  env: Record<string, string | undefined>;
  cwd: string;
}

/**
 * The process's own streams, environment and directory. stdin is read only
 * when a command asks for it: Node builds the stream on first access (a
 * socket for a pipe, loading the net and stream modules), which `list`,
 * `--help` and completion never need.
 */
export function createProcessIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    cwd: process.cwd(),
  };
}

export function writeLine(stream: Writable, text = ''): void {
  stream.write(`${text}\n`);
}

/**
 * Makes a closed pipe (`stackfleet apply | head -2`, `| less` then `q`) stop
 * the printing, never the command: without this, Node raises EPIPE as an
 * unhandled 'error' and the process dies mid-apply, leaving the run
 * `running` and its lock held. Once the reader is gone, writes are dropped.
 */
export function ignoreClosedPipe(stream: NodeJS.WriteStream): void {
  let closed = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') {
      closed = true;
      return;
    }
    throw error;
  });
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((...args: unknown[]) => {
    if (!closed && !stream.destroyed) return write(...args);
    const callback = args.find((arg) => typeof arg === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  });
}
