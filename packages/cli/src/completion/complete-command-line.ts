import type { CommandSpec } from '../command-table/command-spec.js';
import { noteCompiledPart } from '../compile-cache/note-compiled-part.js';
import { completeWords, findManifestFlag, type CompletionNames } from './complete-words.js';

const NO_NAMES: CompletionNames = { stacks: [], labels: [] };

/** Recent run ids, for the words that take one (`show`, `--from-plan`...). */
export type ReadCompletionRuns = (cwd: string, file: string | undefined, env: Record<string, string | undefined>) => Promise<string[]>;

/**
 * `stackfleet __complete <words...>`: the candidates for the last word, one
 * per line. Without `readRuns` (the quick entry, whose bundle leaves the store
 * out), resolves to undefined when a run id is asked for: the caller hands
 * the words to the full program instead.
 */
export async function completeCommandLine(
  commands: readonly CommandSpec[],
  words: readonly string[],
  where: { cwd: string; env: Record<string, string | undefined> },
  readRuns: ReadCompletionRuns | undefined,
): Promise<string | undefined> {
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
  if (needsRuns) {
    if (readRuns === undefined) return undefined;
    // The first Tab (often a command name) would otherwise decide what the
    // compile cache holds for every later one: the store's code would then
    // be compiled again on each Tab that completes a run id. (Stack names
    // come from a cache file of their own: read-completion-names.ts.)
    noteCompiledPart('runs');
    const runs = await readRuns(where.cwd, findManifestFlag(words), where.env);
    candidates = completeWords(commands, words, () => NO_NAMES, () => runs);
  } else if (needsNames) {
    const { readCompletionNames } = await import('./read-completion-names.js');
    const names = await readCompletionNames(where.cwd, findManifestFlag(words), where.env);
    candidates = completeWords(commands, words, () => names);
  }
  return candidates.map((candidate) => `${candidate}\n`).join('');
}
