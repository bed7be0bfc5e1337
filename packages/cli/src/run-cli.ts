// Not the package index: that would load every schema and parser at start-up.
import { isStackfleetError, ValidationError } from '@stackfleet/core/errors';
import { CommanderError } from 'commander';
import type { CliIo } from './io.js';
import { buildProgram } from './command-table/build-program.js';
import { COMMANDS } from './command-table/commands.js';
import { COMPLETE_COMMAND } from './completion/complete-words.js';
import { completeCommandLine, type ReadCompletionRuns } from './completion/complete-command-line.js';
import { chooseOutputMode } from './output/choose-output-mode.js';

/**
 * Runs the CLI and resolves to the exit code. Never calls process.exit (main
 * does): tests drive this function directly.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  // Completion words are not this program's flags (`-j 0`, `--help` being
  // typed must not be parsed), so they bypass commander.
  if (argv[0] === COMPLETE_COMMAND) {
    io.stdout.write((await completeCommandLine(COMMANDS, argv.slice(1), io, readCompletionRunsOnDemand)) ?? '');
    return 0;
  }
  let exitCode = 0;
  // A line that starts with a command's name needs commander to know only
  // that command (its help, errors and parsing are the same): building all
  // of them cost every such command ~2 ms (docs/benchmarks.md).
  const named = COMMANDS.find((spec) => spec.name === argv[0]);
  const program = buildProgram(
    io,
    (code) => {
      exitCode = code;
    },
    named === undefined ? COMMANDS : [named],
  );
  const args = [...argv];
  if (args.length === 0) {
    const interactive =
      chooseOutputMode({ stdoutIsTTY: Boolean(io.stdout.isTTY), stdinIsTTY: Boolean(io.stdin.isTTY), env: io.env }) === 'tui';
    if (interactive) args.push('ui');
    else {
      program.outputHelp();
      return 0;
    }
  }
  try {
    await program.parseAsync(args, { from: 'user' });
    return exitCode;
  } catch (error) {
    return reportError(error, io);
  }
}

// The store and the full manifest reader load only when a run id is completed.
const readCompletionRunsOnDemand: ReadCompletionRuns = async (cwd, file, env) =>
  (await import('./completion/read-completion-runs.js')).readCompletionRuns(cwd, file, env);

function reportError(error: unknown, io: CliIo): number {
  if (error instanceof CommanderError) {
    // Commander already printed the message (or the help/version text).
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
    return 1;
  }
  if (error instanceof ValidationError) {
    // One problem per line, each starting with file:line:col (SPEC §2).
    io.stderr.write(`${error.format()}\n${error.message}\n`);
    return error.exitCode;
  }
  if (isStackfleetError(error)) {
    io.stderr.write(`${error.location ? error.format() : `error: ${error.format()}`}\n`);
    return error.exitCode;
  }
  // Not a user mistake: a bug. Show the stack so it can be reported.
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr.write(`stackfleet: internal error (please report it):\n${detail}\n`);
  return 1;
}
