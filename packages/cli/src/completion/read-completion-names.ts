import { readFileSync } from 'node:fs';
// Not the package index: completion must not load the validating parser (zod, both YAML parsers).
import { parseManifestNames } from '@stackfleet/core/manifest-names';
import { findManifest } from '../manifest/find-manifest.js';
import type { CompletionNames } from './complete-words.js';

/**
 * Stack names and labels for completion: reads the manifest's names only (no
 * validation, no graph, no store, no git), and stays silent when it cannot:
 * a shell prompt is no place for an error.
 */
export function readCompletionNames(cwd: string, file: string | undefined): CompletionNames {
  try {
    return parseManifestNames(readFileSync(findManifest(cwd, file), 'utf8'));
  } catch {
    return { stacks: [], labels: [] };
  }
}
