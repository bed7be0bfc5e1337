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
 * the stack's log file for this run.
 */
export async function openStackLog(stateDir: string, runId: string, stack: string): Promise<StackLog> {
  const path = stackLogPath(stateDir, runId, stack);
  // Private whatever the umask: a log may hold what a stack printed before masking knew it.
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const stream = createWriteStream(path, { flags: 'a', encoding: 'utf8', mode: 0o600 });
  return {
    path,
    writeLine(line) {
      stream.write(`${line}\n`);
    },
    close() {
      return new Promise((resolve, reject) => {
        stream.end((error?: Error | null) => (error ? reject(error) : resolve()));
      });
    },
  };
}
