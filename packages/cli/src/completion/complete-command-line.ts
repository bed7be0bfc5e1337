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
  // The first Tab (often a command name) would otherwise decide what the
  // compile cache holds for every later one: the manifest reader's code
  // would then be compiled again on each Tab that completes a stack.
  if (needsRuns && readRuns !== undefined) noteCompiledPart('runs');
  else if (needsNames) noteCompiledPart('names');
  if (needsRuns) {
    if (readRuns === undefined) return undefined;
    const runs = await readRuns(where.cwd, findManifestFlag(words), where.env);
    candidates = completeWords(commands, words, () => NO_NAMES, () => runs);
  } else if (needsNames) {
    const { readCompletionNames } = await import('./read-completion-names.js');
    candidates = completeWords(commands, words, () => readCompletionNames(where.cwd, findManifestFlag(words)));
  }
  return candidates.map((candidate) => `${candidate}\n`).join('');
}
