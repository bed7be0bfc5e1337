import type { CommandSpec, OptionSpec, ValueCompletion } from '../command-table/command-spec.js';
import { GLOBAL_OPTIONS } from '../command-table/global-options.js';

/** The hidden command the completion scripts call: `stackfleet __complete <words after stackfleet...>`. */
export const COMPLETE_COMMAND = '__complete';

/** Printed instead of candidates when the shell should complete a file path itself. */
export const COMPLETE_FILES = ':files';

/** Names from the manifest; loaded only when a stack or label is being completed. */
export interface CompletionNames {
  stacks: readonly string[];
  labels: readonly string[];
}

const SHARED_FLAGS = ['--help'];

/**
 * What may come next on the command line, one candidate per entry, in table
 * order; the shell filters by the word being typed. `words` are the words after
 * `stackfleet`, the last one being the word under the cursor (maybe empty).
 */
export function completeWords(
  commands: readonly CommandSpec[],
  words: readonly string[],
  loadNames: () => CompletionNames,
  /** Recent run ids, newest first; asked only for a `run` value (it opens the store). */
  loadRuns: () => readonly string[] = () => [],
): string[] {
  const current = words.at(-1) ?? '';
  const before = words.slice(0, -1);
  let command: CommandSpec | undefined;
  let pendingValue: OptionSpec | undefined;
  let positionals = 0;
  for (let index = 0; index < before.length; index += 1) {
    const word = before[index]!;
    // After `--` everything is the user's own command (`stackfleet run -- ...`).
    if (word === '--') return [COMPLETE_FILES];
    if (word.startsWith('-')) {
      const option = findOption(optionsOf(command), word);
      if (option !== undefined && takesValue(option) && !word.includes('=')) {
        if (index === before.length - 1) pendingValue = option;
        index += 1;
      }
      continue;
    }
    // A command name, or a subcommand of a group (`policy test`), else an argument.
    const named = positionals === 0 ? (command === undefined ? commands : command.subcommands)?.find((spec) => spec.name === word) : undefined;
    if (named !== undefined) command = named;
    else if (command !== undefined) positionals += 1;
  }
  if (pendingValue !== undefined) return completeValue(pendingValue, loadNames, loadRuns);
  if (current.startsWith('-')) return [...optionsOf(command).flatMap(longFlags), ...SHARED_FLAGS, ...(command ? [] : ['--version'])];
  if (command === undefined) return commands.map((spec) => spec.name);
  if (command.subcommands !== undefined && positionals === 0) return command.subcommands.map((spec) => spec.name);
  const argumentList = command.arguments ?? [];
  const argument = argumentList[Math.min(positionals, argumentList.length - 1)];
  if (argument === undefined || (positionals >= argumentList.length && !argument.syntax.endsWith('...]'))) return [];
  return completeValue(argument, loadNames, loadRuns);
}

/** The manifest path given on the line being completed (`-f PATH`, `--file PATH`, `--file=PATH`). */
export function findManifestFlag(words: readonly string[]): string | undefined {
  for (let index = 0; index < words.length - 1; index += 1) {
    const word = words[index]!;
    if (word.startsWith('--file=')) return word.slice('--file='.length);
    if ((word === '-f' || word === '--file') && index + 1 < words.length - 1) return words[index + 1];
  }
  return undefined;
}

/** A command's own flags plus the global ones it honours; before the command, every global flag. */
function optionsOf(command: CommandSpec | undefined): OptionSpec[] {
  if (command === undefined) return [...GLOBAL_OPTIONS];
  const keys = new Set<string>(command.globals);
  return [...(command.options ?? []), ...GLOBAL_OPTIONS.filter((option) => keys.has(option.key))];
}

function findOption(options: readonly OptionSpec[], word: string): OptionSpec | undefined {
  const flag = word.split('=')[0]!;
  return options.find((option) => option.flags.split(/[ ,]+/).includes(flag));
}

function takesValue(option: OptionSpec): boolean {
  return /<[^>]+>|\[[^\]]+\]/.test(option.flags);
}

function longFlags(option: OptionSpec): string[] {
  return option.flags.split(/[ ,]+/).filter((part) => part.startsWith('--'));
}

function completeValue(
  spec: { choices?: readonly string[]; complete?: ValueCompletion },
  loadNames: () => CompletionNames,
  loadRuns: () => readonly string[],
): string[] {
  if (spec.choices) return [...spec.choices];
  switch (spec.complete) {
    case 'stack':
      return [...loadNames().stacks];
    case 'label':
      return [...loadNames().labels];
    case 'run':
      return [...loadRuns()];
    case 'file':
      return [COMPLETE_FILES];
    default:
      return [];
  }
}
