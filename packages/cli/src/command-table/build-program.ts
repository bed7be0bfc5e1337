import { createRequire } from 'node:module';
import { Argument, Command, Option } from 'commander';
import type { CliIo } from '../io.js';
import type { GlobalOptions } from '../options.js';
import type { ArgumentSpec, CommandSpec, OptionSpec } from './command-spec.js';
import { COMMANDS, PROGRAM_EXAMPLES, PROGRAM_SUMMARY } from './commands.js';
import { GLOBAL_OPTIONS } from './global-options.js';
import { refuseContradictingFlags } from './refuse-contradicting-flags.js';

// The bundle script writes the version in (reading package.json through
// require cost every command ~1 ms at start-up). Unbundled, this runs from
// dist/command-table/, as deep as dist/bundle/.
declare const __STACKFLEET_VERSION__: string | undefined;
const version =
  typeof __STACKFLEET_VERSION__ === 'string' ? __STACKFLEET_VERSION__ : (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

/**
 * Builds the commander program from the command table. Handlers resolve to
 * an exit code that the caller (main) passes to process.exit: the only exit point.
 */
export function buildProgram(io: CliIo, setExitCode: (code: number) => void, commands: readonly CommandSpec[] = COMMANDS): Command {
  // Which table entry each commander command came from (names repeat across groups).
  const specs = new Map<Command, CommandSpec>();
  const program = new Command('stackfleet')
    .description(PROGRAM_SUMMARY)
    .version(version, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .configureHelp({ showGlobalOptions: true, visibleGlobalOptions: (command) => selectGlobalOptions(command, specs.get(command)) })
    .exitOverride();
  for (const option of GLOBAL_OPTIONS) program.addOption(buildOption(option));

  for (const spec of commands) addCommand(program, spec, { io, setExitCode, specs });
  addExamples(program, PROGRAM_EXAMPLES);
  return program;
}

interface Wiring {
  io: CliIo;
  setExitCode: (code: number) => void;
  specs: Map<Command, CommandSpec>;
}

function addCommand(parent: Command, spec: CommandSpec, wiring: Wiring): void {
  const command = parent.command(spec.name).description(spec.summary);
  wiring.specs.set(command, spec);
  for (const argument of spec.arguments ?? []) command.addArgument(buildArgument(argument));
  for (const option of spec.options ?? []) command.addOption(buildOption(option));
  addExamples(command, selectHelpExamples(spec));
  for (const child of spec.subcommands ?? []) addCommand(command, child, wiring);
  const load = spec.load;
  if (load === undefined) return;
  command.action(async (...rest: unknown[]) => {
    const self = rest[rest.length - 1] as Command;
    refuseContradictingFlags(self.optsWithGlobals());
    // Loaded with the handler: the context reaches the manifest parser (zod
    // schemas, YAML), which --help, --version and completion must not pay for.
    const [{ createCommandContext }, handler] = await Promise.all([import('../command-context.js'), load()]);
    const context = createCommandContext(wiring.io, self.optsWithGlobals<GlobalOptions>());
    wiring.setExitCode(await handler(context, self.opts<never>(), self.args));
  });
}

function buildOption(spec: OptionSpec): Option {
  const option = new Option(spec.flags, spec.description);
  // choices() first: it lists the values in --help; our parser then replaces
  // commander's check so the message quotes the value like every other flag.
  if (spec.choices) option.choices(spec.choices);
  if (spec.parse) option.argParser(spec.parse);
  return option;
}

function buildArgument(spec: ArgumentSpec): Argument {
  const argument = new Argument(spec.syntax, spec.description);
  if (spec.choices) argument.choices(spec.choices);
  return argument;
}

function addExamples(command: Command, examples: readonly string[]): void {
  if (examples.length === 0) return;
  command.addHelpText('after', `\nExamples:\n${examples.map((line) => `  $ ${line}`).join('\n')}\n`);
}

/** A group (`policy`, `github`) has none of its own: its `--help` shows its subcommands'. */
function selectHelpExamples(spec: CommandSpec): readonly string[] {
  return spec.examples.length > 0 ? spec.examples : (spec.subcommands ?? []).flatMap((child) => child.examples);
}

/** A subcommand's `--help` lists only the global flags it honours (the table's `globals`). */
function selectGlobalOptions(command: Command, spec: CommandSpec | undefined): Option[] {
  if (spec === undefined) return [];
  const keys = new Set<string>(spec.globals);
  let root = command;
  while (root.parent !== null) root = root.parent;
  return root.options.filter((option) => keys.has(option.attributeName()));
}
