import { runGit } from './run-git.js';

/** What git says about who runs and on what: each part undefined when git has none (no repo, detached, unset). */
export interface GitIdentity {
  /** `git config user.email`. */
  email?: string;
  branch?: string;
  commit?: string;
}

/**
 * For a run's `input.run`: the user's email, the branch and the commit of
 * `dir`'s work tree. `known.head`: the commit HEAD names, when the caller
 * read it already ('' = none; a run reads it with its repository root,
 * `readRepoRootAndHead`): one git process, a fork of ours, less. Never throws.
 */
export async function readGitIdentity(dir: string, known: { head?: string } = {}): Promise<GitIdentity> {
  const read = (argv: string[]): Promise<string | undefined> =>
    runGit(argv, { cwd: dir }).then(
      (out) => out.trim() || undefined,
      () => undefined,
    );
  const [email, branch, commit] = await Promise.all([
    read(['config', 'user.email']),
    read(['symbolic-ref', '--quiet', '--short', 'HEAD']),
    known.head === undefined ? read(['rev-parse', '--verify', '--quiet', 'HEAD']) : known.head || undefined,
  ]);
  return { ...(email ? { email } : {}), ...(branch ? { branch } : {}), ...(commit ? { commit } : {}) };
}
