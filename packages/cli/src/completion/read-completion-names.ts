import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { hashPath, locateCacheDir, writeCacheFile } from '../compile-cache/cache-dir.js';
import { findManifest } from '../manifest/find-manifest.js';
import type { CompletionNames } from './complete-words.js';

const NO_NAMES: CompletionNames = { stacks: [], labels: [] };
// Bumped when what is kept changes shape: an older file is then read as a miss.
const FORMAT = 1;

/**
 * Stack names and labels for completion: reads the manifest's names only (no
 * validation, no graph, no store, no git), and stays silent when it cannot:
 * a shell prompt is no place for an error.
 *
 * The names are kept in the user's cache (`completion/<path hash>.json`),
 * keyed by the manifest's path, size and modification time: a shell asks on
 * every Tab, and reading the YAML (js-yaml, cold, its module loaded first)
 * was ~4 ms of completion's ~14 ms of own time, where the cache file takes
 * a stat and a read (docs/benchmarks.md).
 */
export async function readCompletionNames(cwd: string, file: string | undefined, env: Record<string, string | undefined>): Promise<CompletionNames> {
  try {
    const manifest = findManifest(cwd, file);
    const { mtimeMs, size } = statSync(manifest);
    const key = `${FORMAT}|${manifest}|${size}|${mtimeMs}`;
    const cacheFile = join(locateCacheDir(env), 'completion', `${hashPath(manifest)}.json`);
    const cached = readCachedNames(cacheFile, key);
    if (cached !== undefined) return cached;
    // Not the package index: completion must not load the validating parser (zod, both YAML parsers).
    const { parseManifestNames } = await import('@stackfleet/core/manifest-names');
    // Read after the stat: a file changed in between is newer than its key, and the next Tab reads it again.
    const names = parseManifestNames(readFileSync(manifest, 'utf8'));
    writeCachedNames(cacheFile, key, names);
    return names;
  } catch {
    return NO_NAMES;
  }
}

function writeCachedNames(cacheFile: string, key: string, names: CompletionNames): void {
  try {
    writeCacheFile(cacheFile, JSON.stringify({ key, stacks: names.stacks, labels: names.labels }));
  } catch {
    // A read-only or full disk: the next Tab reads the YAML again, nothing worse.
  }
}

function readCachedNames(cacheFile: string, key: string): CompletionNames | undefined {
  try {
    const cached = JSON.parse(readFileSync(cacheFile, 'utf8')) as { key?: unknown; stacks?: unknown; labels?: unknown };
    if (cached.key !== key || !isStringList(cached.stacks) || !isStringList(cached.labels)) return undefined;
    return { stacks: cached.stacks, labels: cached.labels };
  } catch {
    return undefined;
  }
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
