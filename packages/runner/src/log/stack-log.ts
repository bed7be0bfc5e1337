import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { stackLogPath } from '@stackfleet/core';

/** An append-only log file for one stack in one run. Lines must already be masked. */
export interface StackLog {
  path: string;
  writeLine(line: string): void;
  close(): Promise<void>;
}

/**
 * Opens (appending, so a resumed or retried stack keeps its earlier lines)
 * the stack's log file for this run. A file that cannot be written (a full
 * disk) is not the stack's failure: `onLost` is told once, later lines are
 * dropped, and `close` resolves.
 */
export async function openStackLog(stateDir: string, runId: string, stack: string, onLost: (error: Error) => void): Promise<StackLog> {
  const path = stackLogPath(stateDir, runId, stack);
  // Private whatever the umask: a log may hold what a stack printed before masking knew it.
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  } catch (error) {
    onLost(error as Error);
    return { path, writeLine: () => undefined, close: async () => undefined };
  }
  const stream = createWriteStream(path, { flags: 'a', encoding: 'utf8', mode: 0o600 });
  let lost = false;
  // Without a listener a write error is an unhandled 'error' event: it would kill the whole run.
  stream.on('error', (error) => {
    if (lost) return;
    lost = true;
    onLost(error);
  });
  return {
    path,
    writeLine(line) {
      if (!lost) stream.write(`${line}\n`);
    },
    close() {
      return new Promise((resolve) => {
        if (lost || stream.destroyed) return resolve();
        stream.end(() => resolve());
      });
    },
  };
}
