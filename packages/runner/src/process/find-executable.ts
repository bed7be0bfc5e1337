import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { delimiter, resolve as resolvePath } from 'node:path';

/** What execvp searches when the environment has no PATH. */
const DEFAULT_PATH = '/usr/bin:/bin';

/**
 * Whether `program` would be found the way spawn finds it: a path (relative
 * to `cwd`), or a name searched in `PATH`. Lets a gated spawn keep reporting a
 * missing program as ENOENT instead of as the gate shell's exit 127.
 */
export function canExecute(program: string, path: string | undefined, cwd: string): boolean {
  // Names looked up in PATH are cached (every stack spawns `sh`); a path relative to cwd is not.
  if (program.includes('/')) return findExecutable(program, path, cwd);
  const searchPath = path ?? DEFAULT_PATH;
  // A relative PATH entry (".", "bin") depends on the directory too.
  const relative = searchPath.split(delimiter).some((dir) => !dir.startsWith('/'));
  const key = `${program}\u0000${searchPath}${relative ? `\u0000${cwd}` : ''}`;
  let found = foundInPath.get(key);
  if (found === undefined) {
    found = findExecutable(program, path, cwd);
    if (found) foundInPath.set(key, found);
  }
  return found;
}

const foundInPath = new Map<string, boolean>();

/**
 * Whether `sh` looked up in `path` is the very file `/bin/sh` is (the gate's
 * shell): only then may the gate run a `sh -c` command in a subshell of its
 * own instead of starting a second shell (`gateArgv`). Cached per PATH.
 */
export function isSystemShellInPath(path: string | undefined, cwd: string): boolean {
  const searchPath = path ?? DEFAULT_PATH;
  // A relative PATH entry makes the answer depend on the directory: not worth caching, say no.
  if (searchPath.split(delimiter).some((dir) => !dir.startsWith('/'))) return false;
  let same = systemShellInPath.get(searchPath);
  if (same === undefined) {
    same = false;
    try {
      const shell = realpathSync('/bin/sh');
      const found = searchPath.split(delimiter).map((dir) => resolvePath(cwd, dir, 'sh')).find((candidate) => findExecutable(candidate, path, cwd));
      same = found !== undefined && realpathSync(found) === shell;
    } catch {
      same = false;
    }
    systemShellInPath.set(searchPath, same);
  }
  return same;
}

const systemShellInPath = new Map<string, boolean>();

function findExecutable(program: string, path: string | undefined, cwd: string): boolean {
  const candidates = program.includes('/')
    ? [resolvePath(cwd, program)]
    : (path ?? DEFAULT_PATH).split(delimiter).map((dir) => resolvePath(cwd, dir || '.', program));
  return candidates.some((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return statSync(candidate).isFile();
    } catch {
      return false;
    }
  });
}
