import { writeSync } from 'node:fs';
import type { Writable } from 'node:stream';

/** Everything a command may touch of the outside world, passed in so tests can drive it. */
export interface CliIo {
  stdout: Writable & { isTTY?: boolean; columns?: number; rows?: number };
  stderr: Writable & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  env: Record<string, string | undefined>;
  cwd: string;
  /**
   * Writes to stdout synchronously, without building Node's stream when
   * nothing built it yet (`createProcessIo`); tests' io leaves it out and
   * `writeStdout` writes to `stdout` instead.
   */
  writeStdoutSync?: (text: string) => void;
}

/** The process's io, with what it takes to finish: the output streams a command used. */
export interface ProcessIo extends CliIo {
  /** stdout and stderr if they were built: those a clean exit waits to drain. */
  listUsedStreams(): NodeJS.WriteStream[];
}

/**
 * The process's own streams, environment and directory. Each stream is built
 * on first use, guarded by `ignoreClosedPipe`: Node builds `process.stdout`
 * and the others on first access (a socket for a pipe, loading the net and
 * stream modules, ~3-5 ms), which `list` (through `writeStdout`), `--help`
 * and completion need not pay.
 */
export function createProcessIo(): ProcessIo {
  let stdout: NodeJS.WriteStream | undefined;
  let stderr: NodeJS.WriteStream | undefined;
  return {
    get stdout() {
      return (stdout ??= guardClosedPipe(process.stdout));
    },
    get stderr() {
      return (stderr ??= guardClosedPipe(process.stderr));
    },
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    cwd: process.cwd(),
    // Written at once, unless the stream exists: it may hold earlier output not yet written.
    writeStdoutSync: (text) => (stdout === undefined ? writeAllSync(STDOUT, text) : void stdout.write(text)),
    listUsedStreams: () => [stdout, stderr].filter((stream) => stream !== undefined),
  };
}

/** The process's stdout, as a file descriptor for `writeAllSync`. */
export const STDOUT = 1;

function guardClosedPipe(stream: NodeJS.WriteStream): NodeJS.WriteStream {
  ignoreClosedPipe(stream);
  return stream;
}

/** A command's whole output, at once: through `writeStdoutSync` where the io has it. */
export function writeStdout(io: CliIo, text: string): void {
  if (io.writeStdoutSync === undefined) io.stdout.write(text);
  else io.writeStdoutSync(text);
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

/**
 * Writes all of `text` to a file descriptor synchronously, without Node's
 * stream: building `process.stdout` (a dozen stream modules) was ~3-5 ms,
 * as much as all the rest of what a Tab's `__complete` does itself
 * (docs/benchmarks.md). Like `ignoreClosedPipe`, a reader that went away
 * (EPIPE) ends the printing quietly, as does a closed descriptor (`>&-`,
 * where Node's stream drops what is written); a non-blocking descriptor that
 * is full (EAGAIN: a pipe the parent made non-blocking) is waited on.
 * `write` is fs.writeSync but in tests.
 */
export function writeAllSync(fd: number, text: string, write: typeof writeSync = writeSync): void {
  const bytes = Buffer.from(text, 'utf8');
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += write(fd, bytes, offset);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EPIPE' || code === 'EBADF') return;
      if (code !== 'EAGAIN') throw error;
      // A millisecond's pause before the next try, not a busy loop.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
  }
}
