import { GitCommandError, runGit } from '../git/run-git.js';
import { addModuleFile, type ModuleFileIndex } from './read-module-files.js';

/** What one `git grep` over a repository's configuration files found, for module lookups and variable declarations together. */
export interface ConfigLines {
  /** `.tf` files that mention `module`, as `readModuleFiles` lists them. */
  moduleFiles: ModuleFileIndex;
  /** Repo-relative config file -> its lines that may declare a variable (`variable ...`, or `"variable"` in JSON). */
  variableLines: Map<string, string[]>;
}

export const CONFIG_FILES = ['*.tf', '*.tofu', '*.tf.json', '*.tofu.json'];
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
export async function grepConfigLines(repoDir: string, options: { variables?: boolean } = {}): Promise<ConfigLines> {
  const lines: ConfigLines = { moduleFiles: new Map(), variableLines: new Map() };
  const variables = options.variables ?? true;
  let out: string;
  try {
    out = await runGit([
      'grep', '-z', '-I', '--untracked', '--full-name', '-E', '-e', 'module',
      ...(variables ? ['-e', '^[[:space:]]*variable[[:space:]]', '-e', '"variable"', '--', ...CONFIG_FILES] : ['--', '*.tf']),
    ], { cwd: repoDir });
  } catch (error) {
    // git grep exits 1 when nothing matches.
    if (error instanceof GitCommandError && error.exitCode === 1 && error.stderr.trim() === '') return lines;
    throw error;
  }
  // `path\0line\n` per matching line (-z ends the path with NUL).
  let previousModuleFile = '';
  for (const record of out.split('\n')) {
    const end = record.indexOf('\0');
    if (end === -1) continue;
    const path = record.slice(0, end);
    const line = record.slice(end + 1);
    if (path !== previousModuleFile && path.endsWith('.tf') && line.includes('module')) {
      addModuleFile(lines.moduleFiles, path);
      previousModuleFile = path;
    }
    if (variables && (VARIABLE_LINE.test(line) || line.includes('"variable"'))) {
      const list = lines.variableLines.get(path);
      if (list) list.push(line);
      else lines.variableLines.set(path, [line]);
    }
  }
  return lines;
}
