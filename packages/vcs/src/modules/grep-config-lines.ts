import { join } from 'node:path';
import { GitCommandError, runGit } from '../git/run-git.js';
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
}

export interface GrepConfigLinesOptions {
  /** Also collect `variableLines` (when the manifest changed). @default true */
  variables?: boolean;
  /**
   * The repository's untracked files (not ignored), when the caller has
   * listed them already (`readChangedFiles`): git then reads tracked files
   * only, and these few are read here. Without it, `git grep --untracked`
   * walks the whole working tree for them, a second time on a large repo.
   */
  untracked?: readonly string[];
}

export const CONFIG_FILES = ['*.tf', '*.tofu', '*.tf.json', '*.tofu.json'];
const CONFIG_SUFFIXES = CONFIG_FILES.map((pattern) => pattern.slice(1));
const VARIABLE_LINE = /^\s*variable\s/;

/**
 * Reads every configuration file of a repository (tracked and untracked) once
 * for both questions `affected` asks of them when the manifest changed: which
 * files mention `module`, and which lines may declare a variable. On a
 * 100,000-file monorepo the read is most of the cost, so one pass instead of
 * two saves a second git process reading the same files. With
 * `variables: false` it looks for `module` in `.tf` files only (as
 * `readModuleFiles`), and `variableLines` stays empty.
 */
export async function grepConfigLines(repoDir: string, options: GrepConfigLinesOptions = {}): Promise<ConfigLines> {
  const lines: ConfigLines = { moduleFiles: new Map(), variableLines: new Map() };
  const variables = options.variables ?? true;
  let out: string;
  try {
    out = await runGit([
      'grep', '-z', '-I', ...(options.untracked ? [] : ['--untracked']), '--full-name', '-E', '-e', 'module',
      ...(variables
        ? ['-e', '^[[:space:]]*variable[[:space:]]', '-e', '"variable"', '-e', '/\\*', '-e', '<<', '--', ...CONFIG_FILES]
        : ['--', '*.tf']),
    ], { cwd: repoDir });
  } catch (error) {
    // git grep exits 1 when nothing matches.
    if (!(error instanceof GitCommandError && error.exitCode === 1 && error.stderr.trim() === '')) throw error;
    out = '';
  }
  // `path\0line\n` per matching line (-z ends the path with NUL).
  let previousModuleFile = '';
  for (const record of out.split('\n')) {
    const end = record.indexOf('\0');
    if (end === -1) continue;
    const path = record.slice(0, end);
    if (addLine(lines, path, record.slice(end + 1), variables, path === previousModuleFile)) previousModuleFile = path;
  }
  for (const path of options.untracked ?? []) {
    if (!(variables ? CONFIG_SUFFIXES : ['.tf']).some((suffix) => path.endsWith(suffix))) continue;
    const text = readTextOrEmpty(join(repoDir, path));
    if (text.slice(0, 8000).includes('\0')) continue; // binary, as `git grep -I` sees it
    let isModuleFile = false;
    for (const line of text.split('\n')) isModuleFile = addLine(lines, path, line, variables, isModuleFile) || isModuleFile;
  }
  return lines;
}

/** Records one line of a config file; true when it made the file a module file. */
function addLine(lines: ConfigLines, path: string, line: string, variables: boolean, isModuleFile = false): boolean {
  let added = false;
  if (!isModuleFile && path.endsWith('.tf') && line.includes('module')) {
    addModuleFile(lines.moduleFiles, path);
    added = true;
  }
  if (variables && (VARIABLE_LINE.test(line) || line.includes('"variable"') || line.includes('/*') || line.includes('<<'))) {
    const list = lines.variableLines.get(path);
    if (list) list.push(line);
    else lines.variableLines.set(path, [line]);
  }
  return added;
}
