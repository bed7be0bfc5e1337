import type { CommandContext } from '../command-context.js';

/** A command handler: gets the context, its own options and its arguments; resolves to the exit code. */
export type Handler<O> = (context: CommandContext, options: O, args: string[]) => Promise<number>;

/** What the shell completes a value to: stack or label names from the manifest, recent run ids from the store, file paths, or a fixed list. */
export type ValueCompletion = 'stack' | 'label' | 'file' | 'run';

/** The global flags (SPEC §4 "Common flags"), by the key their value lands under. */
export type GlobalOptionKey = 'file' | 'concurrency' | 'keepGoing' | 'failFast' | 'json' | 'color' | 'ci';

/** One flag, as commander spells it, with the parser that turns its text into its real type. */
export interface OptionSpec {
  /** commander syntax: `-j, --concurrency <n>`, `--no-color`, `--stack <glob>`. */
  flags: string;
  description: string;
  /**
   * Runs at the flag, once: the handler gets the result, never the text.
   * Throws a StackfleetError that quotes the value. `previous` is the value so
   * far (repeatable flags collect).
   */
  parse?: (value: string, previous: unknown) => unknown;
  /** Allowed values, shown in `--help`, the docs and completion (the parser enforces them). */
  choices?: readonly string[];
  complete?: ValueCompletion;
}

/** One positional argument: `<stack>` (required), `[run]` (optional), `[command...]` (variadic). */
export interface ArgumentSpec {
  syntax: string;
  description: string;
  choices?: readonly string[];
  complete?: ValueCompletion;
}

/** One row of the command table: everything the parser, `--help`, the docs and completion need. */
export interface CommandSpec {
  name: string;
  summary: string;
  /** Exit codes, as the docs list them. */
  exits: string;
  arguments?: readonly ArgumentSpec[];
  /** Own flags, selectors included, in `--help` order. */
  options?: readonly OptionSpec[];
  /** The global flags this command honours: shown in its `--help` and completed. */
  globals: readonly GlobalOptionKey[];
  /** Shown under "Examples:" in `--help` and in docs/cli.md; a group's `--help` shows its subcommands' when it has none. */
  examples: readonly string[];
  /**
   * Loads the handler on first use (a dynamic import), so `--help`,
   * `--version` and completion never load ink, git or SQLite. Absent on a
   * group such as `policy`, which only holds `subcommands`.
   */
  load?: () => Promise<Handler<never>>;
  /** `policy test`, `policy eval`: commands under this one, each a full entry. */
  subcommands?: readonly CommandSpec[];
}

/** Every runnable command with its full name (`policy test`), groups walked, in table order. */
export function listCommands(commands: readonly CommandSpec[], prefix = ''): Array<{ path: string; spec: CommandSpec }> {
  return commands.flatMap((spec) => {
    const path = `${prefix}${spec.name}`;
    return [...(spec.load ? [{ path, spec }] : []), ...listCommands(spec.subcommands ?? [], `${path} `)];
  });
}
