import type { Writable } from 'node:stream';

/** Everything a command may touch of the outside world, passed in so tests can drive it. */
export interface CliIo {
  stdout: Writable & { isTTY?: boolean; columns?: number; rows?: number };
  stderr: Writable & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  env: Record<string, string | undefined>;
  cwd: string;
}

export function writeLine(stream: Writable, text = ''): void {
  stream.write(`${text}\n`);
}
