import { execFile } from 'node:child_process';
import { GitCommandError, runGit } from './run-git.js';

const MAX_BUFFER = 512 * 1024 * 1024;
// Pathspecs travel in argv: a few thousand paths per `ls-tree` stay far below its limit.
const PATHS_PER_LIST = 2000;

/**
 * The text of files as they are in a commit, read with one `git ls-tree`
 * (their blob ids, one walk of the trees) and one `git cat-file --batch`
 * instead of a `git show` each: the head side of `affected --head REV`, where
 * the working tree is not what is compared. (Asking `cat-file` for
 * `<commit>:<path>` walks the trees again for every path: 0.4 s of CPU for
 * 540 files in a 5,000-directory tree, against 0.07 s.) A path missing from
 * the commit (or not a file) is absent from the result.
 *
 * @param repoDir the repository's root
 * @param commit a resolved commit sha
 * @param paths repo-relative paths
 */
export async function readBlobs(repoDir: string, commit: string, paths: readonly string[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  const unique = [...new Set(paths)];
  for (let start = 0; start < unique.length; start += PATHS_PER_LIST) {
    const out = await runGit(['--literal-pathspecs', 'ls-tree', '-z', '--full-tree', commit, '--', ...unique.slice(start, start + PATHS_PER_LIST)], { cwd: repoDir });
    // `<mode> <type> <id>\t<path>` per entry.
    for (const entry of out.split('\0')) {
      const tab = entry.indexOf('\t');
      const [, type, id] = entry.slice(0, tab).split(' ');
      if (tab !== -1 && type === 'blob' && id) ids.set(entry.slice(tab + 1), id);
    }
  }
  return readBlobsById(repoDir, ids);
}

function readBlobsById(repoDir: string, ids: ReadonlyMap<string, string>): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  const asked = [...ids.keys()];
  if (asked.length === 0) return Promise.resolve(texts);
  const argv = ['-c', 'protocol.ext.allow=never', 'cat-file', '--batch'];
  return new Promise((resolve, reject) => {
    const child = execFile('git', argv, {
      cwd: repoDir, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' }, maxBuffer: MAX_BUFFER, encoding: 'buffer',
    }, (error, stdout, stderr) => {
      if (error) return reject(new GitCommandError(argv.slice(2), repoDir, stderr.toString('utf8'), typeof error.code === 'number' ? error.code : null));
      try {
        parseBatch(stdout, asked, texts);
        resolve(texts);
      } catch (parseError) {
        reject(parseError instanceof Error ? parseError : new Error(String(parseError)));
      }
    });
    child.stdin!.on('error', () => undefined); // git's exit is reported through the callback
    child.stdin!.end(asked.map((path) => `${ids.get(path)!}\n`).join(''));
  });
}

/** `<sha> blob <size>\n<content>\n` per found object, `<name> missing\n` otherwise, in the order asked. */
function parseBatch(out: Buffer, asked: readonly string[], texts: Map<string, string>): void {
  let offset = 0;
  for (const path of asked) {
    const end = out.indexOf(0x0a, offset);
    if (end === -1) throw new Error(`git cat-file --batch: output ended before ${path}`);
    const header = out.toString('utf8', offset, end).split(' ');
    offset = end + 1;
    if (header.length !== 3) continue; // missing, ambiguous
    const size = Number(header[2]);
    if (header[1] === 'blob') texts.set(path, out.toString('utf8', offset, offset + size));
    offset += size + 1;
  }
}
