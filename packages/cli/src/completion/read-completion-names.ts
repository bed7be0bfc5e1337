import { readFileSync } from 'node:fs';
import { parseManifest } from '@stackfleet/core';
import { findManifest } from '../manifest/find-manifest.js';
import type { CompletionNames } from './complete-words.js';

/**
 * Stack names and labels for completion: reads and parses the manifest only
 * (no graph, no store, no git), and stays silent when it cannot: a shell
 * prompt is no place for an error.
 */
export function readCompletionNames(cwd: string, file: string | undefined): CompletionNames {
  try {
    const path = findManifest(cwd, file);
    const { manifest } = parseManifest(readFileSync(path, 'utf8'), path);
    const stacks = Object.values(manifest.stacks);
    return {
      stacks: stacks.map((stack) => stack.name).sort(),
      labels: [...new Set(stacks.flatMap((stack) => stack.labels))].sort(),
    };
  } catch {
    return { stacks: [], labels: [] };
  }
}
