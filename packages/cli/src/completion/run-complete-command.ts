import type { CommandSpec } from '../command-table/command-spec.js';
import type { CliIo } from '../io.js';
import { completeWords, findManifestFlag } from './complete-words.js';
import { readCompletionNames } from './read-completion-names.js';

/** `stackfleet __complete <words...>`: prints the candidates for the last word, one per line. */
export function runCompleteCommand(commands: readonly CommandSpec[], words: readonly string[], io: CliIo): number {
  const candidates = completeWords(commands, words, () => readCompletionNames(io.cwd, findManifestFlag(words)));
  io.stdout.write(candidates.map((candidate) => `${candidate}\n`).join(''));
  return 0;
}
