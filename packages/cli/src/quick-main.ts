import { COMMANDS } from './command-table/commands.js';
import { COMPLETE_COMMAND } from './completion/complete-words.js';
import { renderCompletionScript, type Shell } from './completion/render-completion-script.js';
import { runCompleteCommand } from './completion/run-complete-command.js';
import { createProcessIo, ignoreClosedPipe } from './io.js';

/**
 * The bin's second entry point, for what a shell runs on every Tab
 * (`__complete`) and at every start (`completion <shell>`): the command table
 * and the completion code only, without commander or the command context
 * (which reaches the manifest machinery). It answers well inside the 150 ms
 * budget where the full program needs twice that (docs/benchmarks.md).
 * Resolves to false, having written nothing, for any other command line
 * (`completion --help`, an unknown shell): the bin then runs `main`, whose
 * commander prints help and errors.
 */
export async function quickMain(argv: readonly string[]): Promise<boolean> {
  const io = createProcessIo();
  if (argv[0] === COMPLETE_COMMAND) {
    ignoreClosedPipe(process.stdout);
    process.exitCode = await runCompleteCommand(COMMANDS, argv.slice(1), io);
    return true;
  }
  const shell = argv.length === 2 && argv[0] === 'completion' ? readShell(argv[1]!) : undefined;
  if (shell === undefined) return false;
  ignoreClosedPipe(process.stdout);
  io.stdout.write(renderCompletionScript(shell));
  process.exitCode = 0;
  return true;
}

/** The shell, when the command table's `completion` accepts it. */
function readShell(word: string): Shell | undefined {
  const choices = COMMANDS.find((spec) => spec.name === 'completion')?.arguments?.[0]?.choices ?? [];
  return choices.includes(word) ? (word as Shell) : undefined;
}
