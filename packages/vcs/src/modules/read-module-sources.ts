import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, posix, relative, resolve, sep } from 'node:path';
import type { ModuleSource } from '@stackfleet/core';
import { loadHclParser } from './load-hcl-parser.js';
import type { ModuleFileIndex } from './read-module-files.js';
import { LOCAL_SOURCE_TEXT, scanLocalModuleSources } from './scan-module-sources.js';


function isLocalSource(source: unknown): source is string {
  return typeof source === 'string' && (source.startsWith('./') || source.startsWith('../'));
}

export interface ReadModuleSourcesOptions {
  /**
   * Repo-relative .tf files that may declare modules (see `readModuleFiles`);
   * other files are not read. @default every .tf file of each directory
   */
  candidates?: ModuleFileIndex;
  /** Sources per absolute directory, shared across stacks so a common module is parsed once. */
  cache?: Map<string, Promise<string[]>>;
  /**
   * Repo-relative path -> text on the compared head (`readConfigText`: a
   * commit's with `--head REV`). @default the working tree's files
   */
  readText?: (path: string) => string;
}

async function listTerraformFiles(dir: string, repoDir: string, candidates?: ModuleFileIndex): Promise<string[]> {
  if (candidates) {
    const repoPath = toRepoPath(repoDir, dir);
    return repoPath === undefined ? [] : [...(candidates.get(repoPath) ?? [])].sort();
  }
  try {
    return (await readdir(dir)).filter((name) => name.endsWith('.tf')).sort();
  } catch {
    return []; // a stack dir not checked out yet, or a module dir that moved
  }
}

/** Local `module "x" { source = "./..." }` sources declared in one directory's .tf files. */
async function readLocalSources(dir: string, repoDir: string, options: ReadModuleSourcesOptions): Promise<string[]> {
  const names = await listTerraformFiles(dir, repoDir, options.candidates);
  const repoPath = options.readText && toRepoPath(repoDir, dir);
  const sources: string[] = [];
  for (const name of names) {
    // Sync: a small .tf file reads in one call, where the promise API costs
    // an open, fstat, read and close round trip through the thread pool
    // (~0.1 ms of CPU each, over a thousand files on a large change).
    const text = options.readText
      ? repoPath === undefined ? '' : options.readText(repoPath === '.' ? name : `${repoPath}/${name}`)
      : readFileSync(join(dir, name), 'utf8');
    // Parsing is the slow part on 5,000 stacks: skip files without modules.
    if (!text.includes('module')) continue;
    const scanned = scanLocalModuleSources(text);
    if (scanned !== undefined) {
      sources.push(...scanned);
      continue;
    }
    try {
      const { parse } = await loadHclParser();
      const json = await parse(name, text) as { module?: Record<string, { source?: unknown }[]> };
      for (const blocks of Object.values(json.module ?? {})) {
        for (const block of blocks) if (isLocalSource(block.source)) sources.push(block.source);
      }
    } catch {
      // Does not parse: over-including a module beats missing it.
      for (const match of text.matchAll(LOCAL_SOURCE_TEXT)) if (match[1]) sources.push(match[1]);
    }
  }
  return sources;
}

function toRepoPath(repoDir: string, absolute: string): string | undefined {
  const rel = relative(repoDir, absolute);
  if (rel === '..' || rel.startsWith(`..${sep}`)) return undefined; // outside the repo: git cannot see it changing
  return rel === '' ? '.' : rel.split(sep).join(posix.sep);
}

/**
 * Local modules a stack uses, followed recursively and cycle-safe, as
 * directories relative to `repoDir`, each with the chain of sources that
 * reaches it (`module source ../../modules/app -> ../vpc`). Registry and git
 * sources are skipped: their changes are not in this repository.
 */
export async function readModuleSources(stackDir: string, repoDir: string, options: ReadModuleSourcesOptions = {}): Promise<ModuleSource[]> {
  const found: ModuleSource[] = [];
  const seen = new Set<string>([resolve(stackDir)]);
  let frontier: { dir: string; chain: string[] }[] = [{ dir: resolve(stackDir), chain: [] }];
  while (frontier.length > 0) {
    const next: typeof frontier = [];
    for (const { dir, chain } of frontier) {
      let sources = options.cache?.get(dir);
      if (!sources) {
        sources = readLocalSources(dir, repoDir, options);
        options.cache?.set(dir, sources);
      }
      for (const source of await sources) {
        const target = resolve(dir, source);
        const repoPath = toRepoPath(repoDir, target);
        if (repoPath === undefined || seen.has(target)) continue;
        seen.add(target);
        const via = [...chain, source];
        found.push({ dir: repoPath, via: `module source ${via.join(' -> ')}` });
        next.push({ dir: target, chain: via });
      }
    }
    frontier = next;
  }
  return found;
}
