import { COMMANDS } from './command-table/commands.js';
import { COMPLETE_COMMAND } from './completion/complete-words.js';
import { renderCompletionScript, type Shell } from './completion/render-completion-script.js';
import { completeCommandLine } from './completion/complete-command-line.js';
import { STDOUT, writeAllSync } from './io.js';

/**
 * The bin's second entry point, for what a shell runs on every Tab
 * (`__complete`) and at every start (`completion <shell>`): the command table
 * and the completion code only, without commander or the command context
 * (which reaches the manifest machinery), nor the store (a run id to
 * complete goes to `main`). It prints with `writeAllSync`, never building
 * `process.stdout`. Most of what it costs is Node's own start (`node -e 0`);
 * its own part is a few milliseconds (docs/benchmarks.md).
 *
 * Resolves to false, having written nothing, for any other command line
 * (`completion --help`, an unknown shell, a run id to complete): the bin then
 * runs `main`, whose commander prints help and errors.
 */
export async function quickMain(argv: readonly string[]): Promise<boolean> {
  if (argv[0] === COMPLETE_COMMAND) {
    const text = await completeCommandLine(COMMANDS, argv.slice(1), { cwd: process.cwd(), env: process.env }, undefined);
    if (text === undefined) return false;
    writeAllSync(STDOUT, text);
    process.exitCode = 0;
    return true;
  }
  const shell = argv.length === 2 && argv[0] === 'completion' ? readShell(argv[1]!) : undefined;
  if (shell === undefined) return false;
  writeAllSync(STDOUT, renderCompletionScript(shell));
  process.exitCode = 0;
  return true;
}

/** The shell, when the command table's `completion` accepts it. */
function readShell(word: string): Shell | undefined {
  const choices = COMMANDS.find((spec) => spec.name === 'completion')?.arguments?.[0]?.choices ?? [];
  return choices.includes(word) ? (word as Shell) : undefined;
}
