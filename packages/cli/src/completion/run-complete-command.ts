import type { CommandSpec } from '../command-table/command-spec.js';
import type { CliIo } from '../io.js';
import { completeWords, findManifestFlag, type CompletionNames } from './complete-words.js';

const NO_NAMES: CompletionNames = { stacks: [], labels: [] };

/** `stackfleet __complete <words...>`: prints the candidates for the last word, one per line. */
export async function runCompleteCommand(commands: readonly CommandSpec[], words: readonly string[], io: CliIo): Promise<number> {
  // Most words (commands, flags, choices) need no manifest: only load the
  // manifest parser (zod schemas, YAML) when a stack or label is asked for,
  // and the full manifest reader and the store only when a run id is.
  let needsNames = false;
  let needsRuns = false;
  let candidates = completeWords(
    commands,
    words,
    () => {
      needsNames = true;
      return NO_NAMES;
    },
    () => {
      needsRuns = true;
      return [];
    },
  );
  if (needsNames) {
    const { readCompletionNames } = await import('./read-completion-names.js');
    candidates = completeWords(commands, words, () => readCompletionNames(io.cwd, findManifestFlag(words)));
  }
  if (needsRuns) {
    const { readCompletionRuns } = await import('./read-completion-runs.js');
    const runs = await readCompletionRuns(io.cwd, findManifestFlag(words), io.env);
    candidates = completeWords(commands, words, () => NO_NAMES, () => runs);
  }
  io.stdout.write(candidates.map((candidate) => `${candidate}\n`).join(''));
  return 0;
}
