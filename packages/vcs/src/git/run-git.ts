import { execFile } from 'node:child_process';
import { StackfleetError } from '@stackfleet/core';

export interface RunGitOptions {
  /** Directory git runs in; always explicit, never the process's cwd. */
  cwd: string;
  /** Extra environment variables, on top of the process environment. */
  env?: Record<string, string>;
}

/** A git command that exited non-zero; `stderr` is git's own words. */
export class GitCommandError extends Error {
  constructor(
    readonly argv: readonly string[],
    readonly cwd: string,
    readonly stderr: string,
    readonly exitCode: number | null,
  ) {
    super(`git ${argv.join(' ')} failed in ${cwd}: ${stderr.trim() || `exit code ${exitCode}`}`);
    this.name = 'GitCommandError';
  }
}

// Large monorepos list 100,000+ paths; execFile's 1 MiB default would truncate.
const MAX_BUFFER = 512 * 1024 * 1024;

/**
 * Runs `git <argv>` (no shell) and returns stdout. `ext::` transports are
 * disabled for every call, the terminal prompt is off (a CI job must fail, not
 * hang), and messages are in English so callers can read stderr.
 * Not a repository -> `E_NOT_A_REPO` naming the directory.
 */
export function runGit(argv: readonly string[], options: RunGitOptions): Promise<string> {
  const fullArgv = ['-c', 'protocol.ext.allow=never', ...argv];
  const env = { ...process.env, ...options.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };
  return new Promise((resolve, reject) => {
    execFile('git', fullArgv, { cwd: options.cwd, env, maxBuffer: MAX_BUFFER }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && !stderr) {
        return reject(new StackfleetError('E_NOT_A_REPO', `not a git repository: "${options.cwd}" (directory not found)`, {
          hint: 'check the repo path in stacks.yaml; local paths are relative to the manifest',
        }));
      }
      if (/not a git repository/i.test(stderr)) {
        return reject(new StackfleetError('E_NOT_A_REPO', `not a git repository: "${options.cwd}"`, {
          hint: 'point the repo at a git checkout, or run `git init` there',
        }));
      }
      reject(new GitCommandError(argv, options.cwd, stderr, typeof error.code === 'number' ? error.code : null));
    });
  });
}

/**
 * Refuses values that git would read as an option (`-u...`, `--upload-pack=`)
 * or as a remote helper that runs commands (`ext::sh -c ...`). Used for every
 * URL and ref that comes from the manifest or the command line.
 */
export function assertSafeGitArgument(value: string, what: string): void {
  if (value.startsWith('-')) {
    throw new StackfleetError('E_UNSAFE_GIT_ARG', `${what} "${value}" starts with "-" and would be read as a git option`, {
      hint: 'use a URL, path or ref that does not start with a dash (prefix local paths with ./)',
    });
  }
  if (/^ext::/i.test(value) || /(^|\s)ext::/i.test(value)) {
    throw new StackfleetError('E_UNSAFE_GIT_ARG', `${what} "${value}" uses the ext:: transport, which runs arbitrary commands`, {
      hint: 'use an https://, ssh:// or file:// URL, or a local path',
    });
  }
}
