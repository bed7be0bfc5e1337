import { join, posix, relative, resolve, sep } from 'node:path';
import {
  compareManifestInputs, isRemoteRepoUrl, listVariablesToCheck, normalizeDir, parseManifest, selectAffectedStacks,
  type ChangedFile, type LoadedManifest, type Manifest, type ModuleSource,
} from '@stackfleet/core';
import { readChangedFiles, type ChangedFiles } from '../changes/read-changed-files.js';
import { EMPTY_TREE_SHA } from '../changes/read-base-ref.js';
import { readCommitSha } from '../git/resolve-commit.js';
import { GitCommandError, runGit } from '../git/run-git.js';
import { openConfigLinesCache } from '../modules/config-lines-cache.js';
import { grepConfigLines, readConfigText, type ConfigLines } from '../modules/grep-config-lines.js';
import type { ModuleFileIndex } from '../modules/read-module-files.js';
import { readModuleSources } from '../modules/read-module-sources.js';
import { selectRelevantModuleDirs } from '../modules/select-relevant-module-dirs.js';
import { checkoutRepos, type CheckedOutRepos } from '../repos/checkout-repos.js';
import { openBaseManifestCache } from './base-manifest-cache.js';
import { compareWithLastApply, type LastAppliedShasReader } from './compare-with-last-apply.js';
import { readStackDeclarations } from './read-stack-declarations.js';

export interface DetectAffectedOptions {
  /** The manifest file: absolute, or relative to `manifestDir`. */
  manifestPath: string;
  /** Absolute directory of the manifest. */
  manifestDir: string;
  /** Absolute state directory (clone cache for remote repos). */
  stateDir: string;
  /** @default merge-base with the default branch (the previous commit on it) */
  base?: string;
  /** @default the working tree, with uncommitted and untracked files */
  head?: string;
  /** Skip fetching remote repos. @default false */
  offline?: boolean;
  /**
   * Parses the manifest as it was at base. @default core's `parseManifest`,
   * whose result is kept in `stateDir` for the next run against the same base
   */
  parseManifest?: (text: string, source: string) => LoadedManifest;
  /**
   * Where each stack was last applied (from the store). With it, a remote repo
   * without a usable `--base` is compared per stack from that sha to its head;
   * without it, such a repo counts as unchanged and a note says so.
   */
  readLastAppliedShas?: LastAppliedShasReader;
  /** Progress to show right away (a working directory another run holds). */
  onNote?: (message: string) => void;
}

export interface AffectedStacks {
  /** Directly affected stacks -> reason; add dependents with `selectAffectedDependents`. */
  affected: Map<string, string>;
  /** Stacks defined at base and gone now. */
  deleted: string[];
  /** Repo name -> resolved base sha (`''` = the manifest's repo). */
  base: Record<string, string>;
  /** Repo name -> resolved head sha, or `WORKTREE`. */
  head: Record<string, string>;
  /** Things the user should know: working tree included, repos not compared. */
  notes: string[];
}

function toPosix(path: string): string {
  return path.split(sep).join(posix.sep);
}

/** Repo `''` is seen from the manifest's directory: its paths are relative to it. */
/**
 * The changes without stackfleet's own state directory (run logs, clones of
 * remote repos, caches), which is no stack's change: it sits inside the
 * manifest's repository by default (`.stackfleet`), and where `.gitignore`
 * does not name it, its files are untracked ones of the working tree that a
 * stack at the repository's root would count. `stateDir`: relative to the
 * repository's root, posix.
 */
function leaveOutStateDir(result: ChangedFiles, stateDir: string): ChangedFiles {
  if (stateDir === '' || stateDir === '..' || stateDir.startsWith('../') || posix.isAbsolute(stateDir)) return result;
  const inside = (path: string | undefined) => path === undefined || path === stateDir || path.startsWith(`${stateDir}/`);
  // A file renamed into or out of it still counts at its other side.
  const files = result.files.filter((file) => !(inside(file.path) && inside(file.oldPath)));
  return files.length === result.files.length ? result : { ...result, files };
}

function rebase(files: ChangedFile[], prefix: string): ChangedFile[] {
  if (prefix === '') return files;
  const move = (path: string) => posix.relative(prefix, path);
  return files.map((file) => ({ ...file, path: move(file.path), ...(file.oldPath ? { oldPath: move(file.oldPath) } : {}) }));
}

async function readManifestAtBase(rootDir: string, baseSha: string, repoPath: string, options: DetectAffectedOptions, notes: string[]): Promise<Manifest | undefined> {
  let text: string;
  try {
    text = await runGit(['show', `${baseSha}:${repoPath}`], { cwd: rootDir });
  } catch (error) {
    if (!(error instanceof GitCommandError)) throw error;
    return undefined; // the manifest is new: every stack is "added"
  }
  const source = `${repoPath}@${baseSha.slice(0, 12)}`;
  // Kept for the next run against this base; a caller's own parser bypasses the cache.
  const cache = options.parseManifest === undefined ? openBaseManifestCache(options.stateDir, repoPath, source, text) : undefined;
  const cached = cache?.read();
  if (cached !== undefined) return cached;
  try {
    const manifest = (options.parseManifest ?? parseManifest)(text, source).manifest;
    cache?.write(manifest);
    return manifest;
  } catch {
    notes.push(`${repoPath} at base ${baseSha.slice(0, 12)} does not parse: every stack counts as affected`);
    return undefined;
  }
}

/**
 * Which stacks a change affects, across every repo of the fleet.
 *
 * Per repo: the manifest's own repo and local-path repos are compared from
 * `base` (their own default-branch merge-base when `--base` is not given) to
 * `head` (their working tree by default). Remote repos are compared from
 * `--base` to their resolved ref when `--base` resolves in them; otherwise
 * each stack is compared from the sha it was last applied at
 * (`readLastAppliedShas`), or, without that reader, counts as unchanged. A changed repo url or ref in the
 * manifest affects every stack of that repo.
 */
export async function detectAffectedStacks(loaded: LoadedManifest, options: DetectAffectedOptions): Promise<AffectedStacks> {
  const checkout = await checkoutRepos(loaded.manifest, {
    manifestDir: options.manifestDir,
    stateDir: options.stateDir,
    offline: options.offline,
    locate: loaded.locate,
    onNote: options.onNote,
  });
  try {
    return await detectInCheckouts(loaded, checkout, options);
  } finally {
    await checkout.release();
  }
}

async function detectInCheckouts(loaded: LoadedManifest, checkout: CheckedOutRepos, options: DetectAffectedOptions): Promise<AffectedStacks> {
  const { manifest } = loaded;
  const notes: string[] = [];
  notes.push(...checkout.warnings);
  const rootDir = checkout.dirs['']!;
  const manifestAbsolute = resolve(options.manifestDir, options.manifestPath);
  const prefix = toPosix(relative(rootDir, options.manifestDir));
  const manifestPath = toPosix(relative(options.manifestDir, manifestAbsolute));

  const changes: Record<string, ChangedFile[]> = {};
  const base: Record<string, string> = {};
  const head: Record<string, string> = {};
  // Git root -> where its working tree differs from base: the shared grep then reads base's tree (cached) and these files.
  const since = new Map<string, { base: string; paths: string[] }>();
  // Git root -> the head commit when it is not what the working tree holds (`--head REV`, a
  // local repo's committed HEAD): module and declaration lookups read that commit's tree.
  const headCommits = new Map<string, string>();
  const record = (name: string, result: ChangedFiles, checkedOut = false): void => {
    const gitRoot = name === '' ? rootDir : checkout.dirs[name]!;
    if (result.includesWorkingTree && result.base !== EMPTY_TREE_SHA) {
      const paths = result.files.flatMap((file) => (file.oldPath ? [file.path, file.oldPath] : [file.path]));
      since.set(gitRoot, { base: result.base, paths });
    }
    if (!result.includesWorkingTree && !checkedOut) headCommits.set(gitRoot, result.head);
    base[name] = result.base;
    head[name] = result.head;
    if (result.includesWorkingTree) notes.push(`${name === '' ? 'this repo' : `repo ${name}`}: including uncommitted and untracked files`);
  };

  const own = leaveOutStateDir(await readChangedFiles(rootDir, { base: options.base, head: options.head }), toPosix(relative(rootDir, options.stateDir)));
  record('', own);
  changes[''] = rebase(own.files, prefix);

  const sinceLastApply = new Map<string, string>();
  for (const repo of Object.values(manifest.repos).sort((a, b) => a.name.localeCompare(b.name))) {
    const dir = checkout.dirs[repo.name]!;
    const remote = isRemoteRepoUrl(repo.url);
    const baseResolves = options.base !== undefined && (await readCommitSha(dir, options.base)) !== undefined;
    if (remote && !baseResolves && options.readLastAppliedShas) {
      const sha = checkout.shas[repo.name]!;
      base[repo.name] = head[repo.name] = sha;
      const found = await compareWithLastApply(manifest, { name: repo.name, dir, ref: repo.ref ?? 'HEAD', sha }, options.readLastAppliedShas);
      for (const [stack, reason] of found) sinceLastApply.set(stack, reason);
      continue;
    }
    if (options.base !== undefined && !baseResolves) {
      notes.push(`repo ${repo.name}: --base ${options.base} is not in its history; treated as unchanged`);
      base[repo.name] = head[repo.name] = checkout.shas[repo.name]!;
      continue;
    }
    if (remote && options.base === undefined) {
      notes.push(`repo ${repo.name}: pinned at ${checkout.shas[repo.name]!.slice(0, 12)}; pass --base to compare it`);
      base[repo.name] = head[repo.name] = checkout.shas[repo.name]!;
      continue;
    }
    // A remote checkout is exactly its pinned sha; a local repo's --head is
    // meaningless (another history), so it shows its committed HEAD instead.
    const result = await readChangedFiles(dir, {
      base: options.base,
      head: remote ? checkout.shas[repo.name] : options.head === undefined ? undefined : 'HEAD',
    });
    // A remote repo's checkout is at its head sha already (and may be a partial clone: no blob reads).
    record(repo.name, result, remote);
    changes[repo.name] = result.files;
  }

  // Module lookups read every .tf file of a changed repo; started now, that
  // git grep runs while the manifest at base is parsed and compared, and it
  // also answers the variable declarations.
  const manifestChanged = changes[''].some((file) => file.path === manifestPath || file.oldPath === manifestPath);
  const configLines = new Map<string, Promise<ConfigLines>>();
  const grepConfigLinesOnce = (gitRoot: string): Promise<ConfigLines> => {
    // Declaration lines only matter when the manifest changed; files-only runs grep for `module` alone.
    const changed = since.get(gitRoot);
    const at = headCommits.get(gitRoot);
    const started = configLines.get(gitRoot) ?? grepConfigLines(gitRoot, {
      variables: manifestChanged,
      ...(changed ? { since: { ...changed, cache: openConfigLinesCache(options.stateDir, gitRoot, changed.base, manifestChanged) } } : {}),
      ...(at ? { at } : {}),
    });
    configLines.set(gitRoot, started);
    return started;
  };
  // Not awaited here; a failure surfaces where the module lookup awaits it.
  if (own.files.length > 0 && Object.values(manifest.stacks).some((stack) => stack.repo === undefined)) {
    grepConfigLinesOnce(rootDir).catch(() => undefined);
  }

  const previousManifest = manifestChanged
    ? await readManifestAtBase(rootDir, own.base, toPosix(relative(rootDir, manifestAbsolute)), options, notes)
    : undefined;

  // Manifest edits are decided on resolved inputs; terraform stacks' declarations
  // settle variables. Their git grep runs while module sources are read.
  const inputChanges = previousManifest ? compareManifestInputs(previousManifest, manifest) : undefined;
  const declarations = inputChanges
    ? readStackDeclarations(manifest, listVariablesToCheck(inputChanges, manifest), (repo) => {
      const gitRoot = repo === '' ? rootDir : checkout.dirs[repo];
      return gitRoot === undefined ? undefined : { gitRoot, prefix: repo === '' ? prefix : '' };
    }, (gitRoot) => (headCommits.has(gitRoot) ? grepConfigLinesOnce(gitRoot) : configLines.get(gitRoot)))
    : Promise.resolve(undefined);

  const modules: Record<string, ModuleSource[]> = {};
  const moduleFiles = new Map<string, { candidates: ModuleFileIndex; readText: (path: string) => string }>();
  const parsedSources = new Map<string, Promise<string[]>>();
  for (const stack of Object.values(manifest.stacks)) {
    const repo = stack.repo ?? '';
    // Any runner: a command stack that wraps terraform or terragrunt has modules too.
    if ((changes[repo]?.length ?? 0) === 0) continue;
    const repoDir = repo === '' ? options.manifestDir : checkout.dirs[repo];
    if (!repoDir) continue;
    const gitRoot = repo === '' ? rootDir : repoDir;
    // Only module chains that can reach a changed file are parsed.
    let lookup = moduleFiles.get(repo);
    if (lookup === undefined) {
      const changedPaths = (repo === '' ? own.files : changes[repo]!).flatMap((file) => file.oldPath ? [file.path, file.oldPath] : [file.path]);
      const lines = await grepConfigLinesOnce(gitRoot);
      // The head's versions: a commit's with --head, the working tree's otherwise.
      const readText = (path: string): string => readConfigText(gitRoot, lines, path);
      lookup = { candidates: await selectRelevantModuleDirs(gitRoot, lines.moduleFiles, changedPaths, readText), readText };
      moduleFiles.set(repo, lookup);
    }
    const { candidates, readText } = lookup;
    // A stack whose own directory has no candidate file uses no module that
    // reaches a changed file: most of 5,000 stacks, skipped without a lookup.
    if (!candidates.has(normalizeDir(repo === '' && prefix !== '' ? `${prefix}/${stack.path}` : stack.path))) continue;
    const found = await readModuleSources(join(repoDir, stack.path), gitRoot, { candidates, cache: parsedSources, readText });
    // Module dirs of repo '' are re-expressed from the manifest's directory.
    modules[stack.name] = repo === ''
      ? found.map((module) => ({ ...module, dir: posix.relative(prefix, module.dir) || '.' }))
      : found;
  }

  const declaredVariables = await declarations;
  const result = selectAffectedStacks({ manifest, manifestPath, changes, modules, previousManifest, inputChanges, declaredVariables });
  for (const [stack, reason] of [...sinceLastApply].sort(([a], [b]) => a.localeCompare(b))) {
    if (!result.affected.has(stack)) result.affected.set(stack, reason);
  }
  return { affected: result.affected, deleted: result.deleted, base, head, notes };
}
