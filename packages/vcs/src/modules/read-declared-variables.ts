import { posix } from 'node:path';
import { GitCommandError, runGit } from '../git/run-git.js';
import { CONFIG_FILES, readConfigText, type ConfigLines } from './grep-config-lines.js';
import { loadHclParser } from './load-hcl-parser.js';

// Pathspecs travel in argv; a few thousand short paths stay far below its limit.
const MAX_DIRECTORY_PATHSPECS = 2000;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Which of the asked variables each stack's root module declares
 * (`variable "environment" { ... }`): terraform reads `TF_VAR_<name>` only for
 * those. Only `.tf`/`.tofu` files directly in the stack directory count (a
 * module's variables are set by its caller, not by the environment).
 *
 * One `git grep` per repository finds the files with a declaration-shaped
 * line for one of the names (tracked and untracked). A line that starts with
 * `variable "name" {` is a declaration unless it sits in a `/* *\/` comment or
 * a heredoc, so only files containing those are parsed with the HCL parser
 * (~4 ms per block: 1,000 stacks would cost seconds); `.tf.json` files are JSON.
 * With the shared grep, which also lists `/*` and `<<` lines, the other `.tf`
 * files are settled by their grepped lines without being read.
 *
 * @param repoDir the repository's root
 * @param questions repo-relative stack directory -> variable names to check
 * @param configLines the repository's `grepConfigLines`, when it is read anyway
 *   for module sources: then no grep of its own
 * @returns repo-relative stack directory -> the names it declares (an empty set when none)
 */
export async function readDeclaredVariables(
  repoDir: string,
  questions: ReadonlyMap<string, readonly string[]>,
  configLines?: Promise<ConfigLines>,
): Promise<Map<string, Set<string>>> {
  const declared = new Map<string, Set<string>>([...questions.keys()].map((dir) => [dir, new Set<string>()]));
  const names = [...new Set([...questions.values()].flat())];
  if (names.length === 0) return declared;
  const alternatives = names.map(escapeRegExp).join('|');
  const lines = configLines ? await configLines : undefined;
  const candidates = lines
    ? selectCandidates(lines, new RegExp(`^\\s*variable\\s+"?(${alternatives})"?\\s*\\{`))
    : await grepCandidates(repoDir, [...questions.keys()], alternatives);
  const declarations = new Map(names.map((name) => [name, new RegExp(`^\\s*variable\\s+"?${escapeRegExp(name)}"?\\s*\\{`, 'm')]));
  await Promise.all(candidates.map(async (path) => {
    const dir = posix.dirname(path);
    const asked = questions.get(dir);
    if (!asked) return;
    // The grep's lines settle a plain .tf file: no read (1,000 stacks, 1,000 files).
    const found = (lines && readLineDeclarations(path, lines.variableLines.get(path) ?? [], asked, declarations))
      ?? (await readFileDeclarations(readConfigText(repoDir, lines, path), path, asked, declarations));
    for (const name of asked) if (found.has(name)) declared.get(dir)!.add(name);
  }));
  return declared;
}

/**
 * The asked names a `.tf` file declares, from its grepped lines; undefined
 * when the file needs reading: JSON, or a block comment or heredoc that may
 * hide a declaration-shaped line.
 */
function readLineDeclarations(path: string, lines: readonly string[], asked: readonly string[], declarations: ReadonlyMap<string, RegExp>): Set<string> | undefined {
  if (path.endsWith('.json') || lines.some((line) => line.includes('/*') || line.includes('<<'))) return undefined;
  return new Set(asked.filter((name) => lines.some((line) => declarations.get(name)!.test(line))));
}

async function readFileDeclarations(text: string, path: string, asked: readonly string[], declarations: ReadonlyMap<string, RegExp>): Promise<Set<string>> {
  return path.endsWith('.json') ? readJsonDeclarations(text) : readHclDeclarations(path, text, asked, declarations);
}

/** Files with a declaration-shaped line for one of the names, or `"variable"` (JSON), from the shared grep. */
function selectCandidates(lines: ConfigLines, declaration: RegExp): string[] {
  const candidates: string[] = [];
  for (const [path, found] of lines.variableLines) {
    if (found.some((line) => declaration.test(line) || line.includes('"variable"'))) candidates.push(path);
  }
  return candidates;
}

async function grepCandidates(repoDir: string, dirs: string[], alternatives: string): Promise<string[]> {
  // One pass (it is most of the cost): declaration lines, or `"variable"` for
  // JSON files (a .tf file matching only that is read and ruled out). Limited
  // to the stacks' directories when they are a few thousand at most: reading
  // 20,000 files instead of a 100,000-file monorepo halves the time.
  const byDirectory = dirs.length <= MAX_DIRECTORY_PATHSPECS && !dirs.includes('.');
  return (await grepFiles(repoDir, [
    '-E', '-e', `^[[:space:]]*variable[[:space:]]+"?(${alternatives})"?[[:space:]]*\\{`, '-e', '"variable"',
    '--', ...(byDirectory ? dirs : CONFIG_FILES),
  ])).filter((path) => CONFIG_FILES.some((pattern) => path.endsWith(pattern.slice(1))));
}

async function grepFiles(repoDir: string, argv: string[]): Promise<string[]> {
  try {
    const out = await runGit(['grep', '-l', '-z', '-I', '--untracked', '--full-name', ...argv], { cwd: repoDir });
    return out.split('\0').filter(Boolean);
  } catch (error) {
    // git grep exits 1 when nothing matches.
    if (error instanceof GitCommandError && error.exitCode === 1 && error.stderr.trim() === '') return [];
    throw error;
  }
}

async function readHclDeclarations(path: string, text: string, asked: readonly string[], declarations: ReadonlyMap<string, RegExp>): Promise<Set<string>> {
  if (text.includes('/*') || text.includes('<<')) {
    try {
      const { parse } = await loadHclParser();
      const json = await parse(path, text) as { variable?: Record<string, unknown> };
      return new Set(Object.keys(json.variable ?? {}));
    } catch {
      // Does not parse: terraform will refuse it anyway; the text scan decides.
    }
  }
  const found = new Set<string>();
  for (const name of asked) if (declarations.get(name)!.test(text)) found.add(name);
  return found;
}

function readJsonDeclarations(text: string): Set<string> {
  try {
    const json = JSON.parse(text) as { variable?: Record<string, unknown> | Record<string, unknown>[] };
    const blocks = Array.isArray(json.variable) ? json.variable : [json.variable ?? {}];
    return new Set(blocks.flatMap((block) => Object.keys(block)));
  } catch {
    return new Set();
  }
}
