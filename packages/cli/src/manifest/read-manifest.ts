import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import {
  buildStackGraph,
  isRemoteRepoUrl,
  parseManifest,
  StackfleetError,
  ValidationError,
  type LoadedManifest,
  type Problem,
  type RepoSpec,
  type StackGraph,
} from '@stackfleet/core';
import { findManifest } from './find-manifest.js';
import { createRealDirectoryResolver, joinUnderRoot } from './real-directories.js';

/** A manifest read from disk, validated, with its DAG. */
export interface Fleet {
  loaded: LoadedManifest;
  graph: StackGraph;
  /** Absolute path of stacks.yaml. */
  manifestPath: string;
  manifestDir: string;
  /** Absolute state directory (settings.stateDir). */
  stateDir: string;
}

export interface ReadFleetOptions {
  /**
   * Check that each stack directory of a local repository exists and stays
   * inside it once symlinks are resolved. `list` leaves it out: listing needs
   * no directory, and on 10,000 stacks the check (a listing of every
   * directory holding stacks, a lookup per stack) was ~7 % of the command.
   * @default true
   */
  checkDirectories?: boolean;
}

/** Reads, parses and validates the manifest (IO wrapper around the pure parseManifest). */
export function readFleet(cwd: string, file?: string, options: ReadFleetOptions = {}): Fleet {
  const manifestPath = findManifest(cwd, file);
  const manifestDir = dirname(manifestPath);
  const display = displayPath(cwd, manifestPath);
  let text: string;
  try {
    text = readFileSync(manifestPath, 'utf8');
  } catch (error) {
    throw new StackfleetError('E_MANIFEST_UNREADABLE', `cannot read ${display}: ${(error as Error).message}`, {
      hint: 'check the file permissions',
    });
  }
  const loaded = parseManifest(text, display);
  const problems = options.checkDirectories === false ? [] : checkStackDirectories(loaded, manifestDir);
  let graph: StackGraph | undefined;
  try {
    graph = buildStackGraph(loaded);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    problems.push(...error.problems);
  }
  if (problems.length > 0 || graph === undefined) throw new ValidationError(problems);
  return { loaded, graph, manifestPath, manifestDir, stateDir: resolve(manifestDir, loaded.manifest.settings.stateDir) };
}

export function displayPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

/**
 * The disk half of "a stack path must stay inside its repository": the
 * lexical check lives in core; here symlinks are resolved. Only stacks in
 * local repositories can be checked before a checkout.
 */
function checkStackDirectories(loaded: LoadedManifest, manifestDir: string): Problem[] {
  const { manifest } = loaded;
  const problems: Problem[] = [];
  const resolveRealDirectory = createRealDirectoryResolver();
  // Per repository, once: its root, real root and the prefix every real stack directory starts with.
  const roots = new Map<string | undefined, { root: string; realRoot: string | undefined; inside: string }>();
  const rootOf = (repo: RepoSpec | undefined) => {
    let found = roots.get(repo?.name);
    if (found === undefined) {
      const root = repo === undefined ? manifestDir : resolve(manifestDir, repo.url);
      const realRoot = resolveRealDirectory(root);
      found = { root, realRoot, inside: realRoot === undefined ? '' : realRoot.endsWith(sep) ? realRoot : realRoot + sep };
      roots.set(repo?.name, found);
    }
    return found;
  };
  for (const stack of Object.values(manifest.stacks)) {
    const repo = stack.repo === undefined ? undefined : manifest.repos[stack.repo];
    if (repo !== undefined && isRemoteRepoUrl(repo.url)) continue;
    const { root, realRoot, inside } = rootOf(repo);
    const dir = joinUnderRoot(root, stack.path);
    const realDir = realRoot === undefined ? undefined : resolveRealDirectory(dir);
    if (realDir !== undefined && (realDir === realRoot || realDir.startsWith(inside))) continue;
    const keyPath = `stacks.${stack.name}.path`;
    if (realRoot === undefined || realDir === undefined) {
      problems.push({
        code: 'E_PATH_MISSING',
        message: `directory "${stack.path}" does not exist${repo ? ` in repo ${repo.name}` : ''}`,
        hint: `create ${relative(manifestDir, dir) || '.'} or fix the path`,
        keyPath,
        location: loaded.locate(keyPath),
      });
      continue;
    }
    problems.push({
      code: 'E_PATH_ESCAPE',
      message: `path "${stack.path}" resolves through a symlink to ${realDir}, outside its repository`,
      hint: 'a stack must live inside its repository; point path at a real directory there',
      keyPath,
      location: loaded.locate(keyPath),
    });
  }
  return problems;
}
