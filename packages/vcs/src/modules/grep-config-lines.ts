import { join } from 'node:path';
import { readBlobs } from '../git/read-blobs.js';
import { GitCommandError, runGit } from '../git/run-git.js';
import type { ConfigLinesCache } from './config-lines-cache.js';
import { addModuleFile, type ModuleFileIndex } from './read-module-files.js';
import { readTextOrEmpty } from './read-text-or-empty.js';

/** What one `git grep` over a repository's configuration files found, for module lookups and variable declarations together. */
export interface ConfigLines {
  /** `.tf` files that mention `module`, as `readModuleFiles` lists them. */
  moduleFiles: ModuleFileIndex;
  /**
   * Repo-relative config file -> its lines that may declare a variable
   * (`variable ...`, or `"variable"` in JSON) or open a block comment or a
   * heredoc (`/*`, `<<`): a file without the latter is settled by these lines
   * alone, without reading it.
   */
  variableLines: Map<string, string[]>;
  /**
   * With `at`: the commit's text of the files lookups may read (see
   * `readConfigText`). Absent: the head is the working tree.
   */
  texts?: ReadonlyMap<string, string>;
}

/** What the grep found in one file: whether it mentions `module` (a `.tf` file), and its `variableLines`. */
export interface FileLines {
  module: boolean;
  lines: string[];
}

export interface GrepConfigLinesOptions {
  /** Also collect `variableLines` (when the manifest changed). @default true */
  variables?: boolean;
  /**
   * The working tree differs from commit `base` only in `paths` (changed,
   * deleted, both sides of renames, and untracked files, as
   * `readChangedFiles` lists them). Then git greps `base`'s tree, which
   * `cache` keeps for the next run against the same base, and only `paths`
   * are read from disk. Without it, git greps the working tree, untracked
   * files included.
   */
  since?: { base: string; paths: readonly string[]; cache?: ConfigLinesCache };
  /**
   * The head is this commit, not the working tree (`affected --head REV`):
   * git greps its tree, and `texts` holds its versions of the files
   * listed (read together with one `git cat-file --batch`).
   */
  at?: string;
}

export const CONFIG_FILES = ['*.tf', '*.tofu', '*.tf.json', '*.tofu.json'];
const CONFIG_SUFFIXES = CONFIG_FILES.map((pattern) => pattern.slice(1));
// git's `[[:space:]]` under LC_ALL=C, not JavaScript's `\s` (which also takes a BOM or a no-break space):
// a file read from disk must yield the lines git would have.
const VARIABLE_LINE = /^[ \t\n\v\f\r]*variable[ \t\n\v\f\r]/;

/**
 * Reads every configuration file of a repository once for both questions
 * `affected` asks of them when the manifest changed: which files mention
 * `module`, and which lines may declare a variable. On a 100,000-file
 * monorepo the read is most of the cost: one pass instead of two, and with
 * `since` none at all once the base's answer is cached (a CI pipeline's jobs
 * and a developer's runs on a branch share their base). With
 * `variables: false` it looks for `module` in `.tf` files only (as
 * `readModuleFiles`), and `variableLines` stays empty.
 */
export async function grepConfigLines(repoDir: string, options: GrepConfigLinesOptions = {}): Promise<ConfigLines> {
  const variables = options.variables ?? true;
  const { since, at } = options;
  if (at !== undefined) {
    const lines = toConfigLines(await grepFiles(repoDir, variables, at));
    return { ...lines, texts: await readBlobs(repoDir, at, listFilesToRead(lines)) };
  }
  if (since === undefined) return toConfigLines(await grepFiles(repoDir, variables));
  let files = since.cache?.read();
  if (files === undefined) {
    // A partial clone (`--filter=blob:none`) lacks the base's versions of changed
    // files: git would fetch them one by one. Its working tree is all on disk.
    if (await isPartialClone(repoDir)) return toConfigLines(await grepFiles(repoDir, variables));
    files = await grepFiles(repoDir, variables, since.base);
    since.cache?.write(files);
  }
  // The working tree's version of what changed since base (nothing when deleted).
  const current = new Map(files);
  for (const path of since.paths) {
    current.delete(path);
    if (!(variables ? CONFIG_SUFFIXES : ['.tf']).some((suffix) => path.endsWith(suffix))) continue;
    const text = readTextOrEmpty(join(repoDir, path));
    if (text.slice(0, 8000).includes('\0')) continue; // binary, as `git grep -I` sees it
    for (const line of text.split('\n')) addLine(current, path, line, variables);
  }
  return toConfigLines(current);
}

/**
 * A file the grep listed, as it is on the compared head: the commit's text
 * with `at`, else the working tree's (`''` when it cannot be read). Module and
 * declaration lookups read through this, so `--head REV` never sees the
 * working tree.
 */
export function readConfigText(repoDir: string, lines: ConfigLines | undefined, path: string): string {
  return lines?.texts ? lines.texts.get(path) ?? '' : readTextOrEmpty(join(repoDir, path));
}

/** What module and declaration lookups may read: every module file, and the declaration files their lines do not settle (JSON, `/*`, `<<`). */
function listFilesToRead(lines: ConfigLines): string[] {
  const paths: string[] = [];
  for (const [dir, names] of lines.moduleFiles) for (const name of names) paths.push(dir === '.' ? name : `${dir}/${name}`);
  for (const [path, found] of lines.variableLines) {
    if (path.endsWith('.json') || found.some((line) => line.includes('/*') || line.includes('<<'))) paths.push(path);
  }
  return paths;
}

/** A remote is a promisor (`remote.<name>.promisor`, or the older `extensions.partialClone`). */
async function isPartialClone(repoDir: string): Promise<boolean> {
  try {
    const out = await runGit(['config', '--get-regexp', '^(remote\\..*\\.promisor|extensions\\.partialclone)$'], { cwd: repoDir });
    return out.split('\n').some((line) => line.trim() !== '' && !/ false$/i.test(line.trim()));
  } catch (error) {
    if (error instanceof GitCommandError && error.exitCode === 1) return false; // none set
    throw error;
  }
}

/** `git grep` over a commit's tree, or without one the working tree (untracked files included), per file. */
async function grepFiles(repoDir: string, variables: boolean, commit?: string): Promise<Map<string, FileLines>> {
  const files = new Map<string, FileLines>();
  let out: string;
  try {
    out = await runGit([
      // Fixed strings (a superset: `addLine` keeps the lines it did before):
      // git then searches with memmem instead of running a regex on every
      // line, ~0.08 s of CPU less on 95,000 files.
      'grep', '-z', '-I', '--full-name', '-F', '-e', 'module',
      ...(variables ? ['-e', 'variable', '-e', '/*', '-e', '<<'] : []),
      commit ?? '--untracked', '--', ...(variables ? CONFIG_FILES : ['*.tf']),
    ], { cwd: repoDir });
  } catch (error) {
    // git grep exits 1 when nothing matches.
    if (!(error instanceof GitCommandError && error.exitCode === 1 && error.stderr.trim() === '')) throw error;
    return files;
  }
  // `path\0line\n` per matching line (-z ends the path with NUL); `<commit>:path` in a commit's tree.
  const prefix = commit === undefined ? 0 : commit.length + 1;
  for (const record of out.split('\n')) {
    const end = record.indexOf('\0');
    if (end !== -1) addLine(files, record.slice(prefix, end), record.slice(end + 1), variables);
  }
  return files;
}

function addLine(files: Map<string, FileLines>, path: string, line: string, variables: boolean): void {
  const isModule = path.endsWith('.tf') && line.includes('module');
  const isVariable = variables && (VARIABLE_LINE.test(line) || line.includes('"variable"') || line.includes('/*') || line.includes('<<'));
  if (!isModule && !isVariable) return;
  let file = files.get(path);
  if (file === undefined) files.set(path, (file = { module: false, lines: [] }));
  if (isModule) file.module = true;
  if (isVariable) file.lines.push(line);
}

/** In git's order (by path), as one grep of the working tree lists them. */
function toConfigLines(files: ReadonlyMap<string, FileLines>): ConfigLines {
  const lines: ConfigLines = { moduleFiles: new Map(), variableLines: new Map() };
  for (const path of [...files.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    const file = files.get(path)!;
    if (file.module) addModuleFile(lines.moduleFiles, path);
    if (file.lines.length > 0) lines.variableLines.set(path, file.lines);
  }
  return lines;
}
