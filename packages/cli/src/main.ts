import { createProcessIo } from './io.js';
import { runCli } from './run-cli.js';

// A handle that outlives the command (a stray timer, a child's pipe) must not
// keep the process alive for ever once everything written has drained.
const LINGER_LIMIT_MS = 2_000;

/** The process entry point: the only place that calls process.exit. */
export async function main(argv: readonly string[]): Promise<void> {
  // Its streams are built on first use, each guarded against a closed pipe.
  const io = createProcessIo();
  // Should the event loop ever run dry before the command settles, that is a
  // failure, not a silent success.
  process.exitCode = 1;
  const code = await runCli(argv, io);
  // Pipes are asynchronous: exiting now would cut what is still queued on
  // stdout or stderr (3,000 validation errors through `| cat` lost the last
  // 64–128 KiB). Wait until those used are drained, then let the process end
  // by itself; process.exit only if something still holds the event loop.
  await Promise.all(io.listUsedStreams().map(drain));
  process.exitCode = code;
  setTimeout(() => process.exit(code), LINGER_LIMIT_MS).unref();
}

function drain(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.destroyed || stream.writableEnded) return Promise.resolve();
  return new Promise<void>((resolve) => {
    stream.once('error', () => resolve());
    stream.write('', () => resolve());
  });
}
