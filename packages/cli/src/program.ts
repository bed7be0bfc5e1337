import { createRequire } from 'node:module';
import { Command, CommanderError, Option } from 'commander';
import { createCommandContext, type CommandContext } from './command-context.js';
import type { CliIo } from './io.js';
import { collect, type GlobalOptions } from './options.js';
import { COMMAND_EXAMPLES } from './help-examples.js';
import { registerRunCommands } from './register-run-commands.js';
import { registerStateCommands } from './register-state-commands.js';

const version = (createRequire(import.meta.url)('../package.json') as { version: string }).version;

/** A command handler: gets the context and its own options, returns the exit code. */
export type Handler<O> = (context: CommandContext, options: O, args: string[]) => Promise<number>;

/**
 * A handler loaded on first use: each command imports only what it needs, so
 * `list` never pays for the UI, git or SQLite modules at start-up.
 */
export function lazy<O>(load: () => Promise<Handler<O>>): Handler<O> {
  return async (context, options, args) => (await load())(context, options, args);
}

/** Adds the selector flags of SPEC §4 (`sel`). */
export function addSelectionOptions(command: Command): Command {
  return command
    .option('--stack <glob>', 'select stacks whose name matches the glob (repeatable)', collect)
    .option('--label <label>', 'select stacks carrying the label (repeatable: any of them)', collect)
    .option('--exclude <glob>', 'leave out stacks matching the glob (repeatable)', collect)
    .option('--affected', 'select stacks affected by changes since --base (and their dependents)')
    .option('--base <ref>', 'base git ref for --affected (default: merge-base with the default branch)')
    .option('--head <ref>', 'head git ref for --affected (default: the working tree)')
    .option('--with-dependents', 'add every stack that depends on the selection')
    .option('--with-dependencies', 'add every stack the selection depends on');
}

/**
 * Builds the commander program. Handlers resolve to an exit code that the
 * caller (main) passes to process.exit: the only exit point.
 */
export function buildProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command('stackfleet');
  program
    .description('Run fleets of Terraform, OpenTofu and command stacks in dependency order.')
    .version(version, '-V, --version')
    .option('-f, --file <path>', 'manifest path (default: ./stacks.yaml or the nearest in a parent directory)')
    .option('-j, --concurrency <n>', 'maximum stacks running at once (default: settings.concurrency, else min(4, CPUs))')
    .option('--keep-going', 'independent branches continue after a failure (default)')
    .option('--fail-fast', 'start nothing new after the first failure')
    .option('--json', 'print NDJSON events / JSON on stdout; human logs go to stderr')
    .option('--no-color', 'disable colours (also NO_COLOR)')
    .option('--ci', 'force headless output (automatic when CI=true or stdout is not a TTY)')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .exitOverride();

  const bind = <O>(handler: Handler<O>) =>
    async function (this: Command, ...rest: unknown[]) {
      const command = rest[rest.length - 1] as Command;
      const global = command.optsWithGlobals() as GlobalOptions;
      const context = createCommandContext(io, global);
      setExitCode(await handler(context, command.opts() as O, command.args));
    };

  const withExamples = (command: Command, name: string) =>
    command.addHelpText('after', `\nExamples:\n${(COMMAND_EXAMPLES[name] ?? []).map((line) => `  $ ${line}`).join('\n')}\n`);

  withExamples(program.command('validate').description('load and check the manifest and policies (exit 0 valid, 1 invalid)'), 'validate').action(
    bind(lazy(async () => (await import('./commands/validate.js')).runValidateCommand)),
  );
  withExamples(
    addSelectionOptions(
      program.command('list').description('list the selected stacks, one per line').option('--order', 'in run order instead of by name'),
    ),
    'list',
  ).action(bind(lazy(async () => (await import('./commands/list.js')).runListCommand)));
  withExamples(
    addSelectionOptions(
      program
        .command('graph')
        .description('print the dependency graph')
        .addOption(new Option('--format <format>', 'output format').choices(['ascii', 'dot', 'mermaid', 'json'])),
    ),
    'graph',
  ).action(bind(lazy(async () => (await import('./commands/graph.js')).runGraphCommand)));
  registerRunCommands(program, bind, withExamples);
  registerStateCommands(program, bind, withExamples);
  program.addHelpText('after', `\nExamples:\n${(COMMAND_EXAMPLES.stackfleet ?? []).map((line) => `  $ ${line}`).join('\n')}\n`);
  return program;
}

export { CommanderError };
