import picomatch from 'picomatch';
import type { Manifest } from '../model.js';
import type { ManifestInputChanges } from './compare-stack-inputs.js';
import { selectManifestEdits, type DeclaredVariables } from './manifest-edits.js';
import { listParentDirs, normalizeDir } from './paths.js';
import type { AffectedReason, ChangedFile, ModuleSource } from './types.js';
import { compareNames } from '../graph/min-heap.js';

export interface AffectedInput {
  manifest: Manifest;
  /**
   * Path of the manifest file inside repo `''`. For repo `''` every path
   * (changes, stack paths, module dirs) is relative to the manifest's directory,
   * so this is usually just `stacks.yaml`.
   */
  manifestPath: string;
  /** Changed files per repo name; `''` is the manifest's own repo. */
  changes: Record<string, readonly ChangedFile[]>;
  /** Local module directories per stack, relative to the stack's repo root. */
  modules: Record<string, readonly ModuleSource[]>;
  /**
   * The manifest as it was at base. Without it, a changed manifest file makes
   * every stack affected (the safe answer when the old version is unreadable).
   */
  previousManifest?: Manifest;
  /** What terraform/tofu stacks declare (see `listVariablesToCheck`); absent = every variable counts. */
  declaredVariables?: DeclaredVariables;
  /** `compareManifestInputs(previousManifest, manifest)` when the caller already has it. */
  inputChanges?: ManifestInputChanges;
}

export interface AffectedResult {
  /** Directly affected stacks (dependents not included) with the first reason found. */
  affected: Map<string, AffectedReason>;
  /** Stacks defined at base that no longer exist, sorted. */
  deleted: string[];
}

function describeChange(file: ChangedFile, repo: string): string {
  const prefix = repo === '' ? '' : `${repo}:`;
  if (file.status === 'renamed' && file.oldPath) return `${prefix}${file.oldPath} renamed to ${file.path}`;
  const verb = file.status === 'modified' ? 'changed' : file.status;
  return `${prefix}${file.path} ${verb}`;
}

/** The path and, for renames, the old path: both count as changed. */
function listTouchedPaths(file: ChangedFile): string[] {
  return file.oldPath && file.oldPath !== file.path ? [file.path, file.oldPath] : [file.path];
}

function pushTo<V>(map: Map<string, V[]>, key: string, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * Maps changed files to the stacks they affect. Rules, first reason wins:
 * 1. a file under a stack's `path` (the longest matching path wins when stacks
 *    nest; stacks sharing one path are all affected);
 * 2. a file inside a local module the stack uses (followed recursively);
 * 3. a file matching one of the stack's `watch` globs (relative to its repo);
 * 4. manifest edits, decided on resolved inputs (see `selectManifestEdits`);
 *    context `files` are inline in the manifest, so "files written by its
 *    contexts" changing lands here.
 * The manifest file itself never counts as a plain file change.
 */
export function selectAffectedStacks(input: AffectedInput): AffectedResult {
  const { manifest, manifestPath } = input;
  const affected = new Map<string, AffectedReason>();
  const add = (stack: string, reason: AffectedReason): void => {
    if (!affected.has(stack)) affected.set(stack, reason);
  };
  const stacks = Object.values(manifest.stacks).sort((a, b) => compareNames(a.name, b.name));

  // Index by repo and directory so each file costs a walk up its parents,
  // not a scan of every stack (5,000 stacks x 1,000 files in the benchmark).
  const stacksByDir = new Map<string, Map<string, string[]>>();
  const modulesByDir = new Map<string, Map<string, { stack: string; via: string }[]>>();
  for (const stack of stacks) {
    const repo = stack.repo ?? '';
    if (!stacksByDir.has(repo)) stacksByDir.set(repo, new Map());
    pushTo(stacksByDir.get(repo)!, normalizeDir(stack.path), stack.name);
    if (!modulesByDir.has(repo)) modulesByDir.set(repo, new Map());
    for (const module of input.modules[stack.name] ?? []) {
      pushTo(modulesByDir.get(repo)!, normalizeDir(module.dir), { stack: stack.name, via: module.via });
    }
  }

  const repos = Object.keys(input.changes).sort();
  const filesOf = (repo: string): ChangedFile[] =>
    [...(input.changes[repo] ?? [])]
      .filter((file) => repo !== '' || (file.path !== manifestPath && file.oldPath !== manifestPath))
      .sort((a, b) => compareNames(a.path, b.path));

  for (const repo of repos) {
    const byDir = stacksByDir.get(repo);
    if (!byDir) continue;
    for (const file of filesOf(repo)) {
      for (const path of listTouchedPaths(file)) {
        const owners = listParentDirs(path).find((dir) => byDir.has(dir));
        for (const stack of owners === undefined ? [] : byDir.get(owners)!) add(stack, describeChange(file, repo));
      }
    }
  }

  for (const repo of repos) {
    const byDir = modulesByDir.get(repo);
    if (!byDir || byDir.size === 0) continue;
    for (const file of filesOf(repo)) {
      for (const path of listTouchedPaths(file)) {
        for (const dir of listParentDirs(path)) {
          for (const user of byDir.get(dir) ?? []) add(user.stack, `${describeChange(file, repo)} (${user.via})`);
        }
      }
    }
  }

  for (const stack of stacks) {
    if (stack.watch.length === 0 || affected.has(stack.name)) continue;
    const repo = stack.repo ?? '';
    const isWatched = picomatch(stack.watch, { dot: true });
    for (const file of filesOf(repo)) {
      const hit = listTouchedPaths(file).find((path) => isWatched(path));
      if (hit === undefined) continue;
      add(stack.name, `${describeChange(file, repo)} (watch ${stack.watch.find((glob) => picomatch.isMatch(hit, glob, { dot: true }))})`);
      break;
    }
  }

  let deleted: string[] = [];
  if (input.previousManifest) {
    const edits = selectManifestEdits(input.previousManifest, manifest, manifestPath, {
      ...(input.declaredVariables ? { declared: input.declaredVariables } : {}),
      ...(input.inputChanges ? { changes: input.inputChanges } : {}),
    });
    for (const [stack, reason] of edits.affected) add(stack, reason);
    deleted = edits.deleted;
  } else {
    const manifestChange = (input.changes[''] ?? []).find(
      (file) => file.path === manifestPath || file.oldPath === manifestPath,
    );
    if (manifestChange) {
      const reason = manifestChange.status === 'added'
        ? `${manifestPath} added`
        : `${manifestPath} changed and its version at base could not be read`;
      for (const stack of stacks) add(stack.name, reason);
    }
  }

  return { affected, deleted };
}
