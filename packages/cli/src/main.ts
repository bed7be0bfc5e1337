import type { CliIo } from './io.js';
import { runCli } from './run-cli.js';

/** The process entry point: the only place that calls process.exit. */
export async function main(argv: readonly string[]): Promise<void> {
  const io: CliIo = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() };
  // Should the event loop ever run dry before the command settles, that is a
  // failure, not a silent success.
  process.exitCode = 1;
  const code = await runCli(argv, io);
  // Let piped stdout drain before exiting so no output is cut off.
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  process.exit(code);
}
