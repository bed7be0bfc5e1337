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
 * `dir`'s work tree. What the caller read already is taken as it is, each a
 * git process (a fork of ours) less: `known.head`, the commit HEAD names, and
 * `known.branch` ('' = none; a run reads both with its repository root,
 * `readRepoRootAndHead`). `known.email: false`: the email is not needed (the
 * environment names the actor). Never throws.
 */
export async function readGitIdentity(dir: string, known: { head?: string; branch?: string; email?: false } = {}): Promise<GitIdentity> {
  const read = (argv: string[]): Promise<string | undefined> =>
    runGit(argv, { cwd: dir }).then(
      (out) => out.trim() || undefined,
      () => undefined,
    );
  const [email, branch, commit] = await Promise.all([
    known.email === false ? undefined : read(['config', 'user.email']),
    known.branch === undefined ? read(['symbolic-ref', '--quiet', '--short', 'HEAD']) : known.branch || undefined,
    known.head === undefined ? read(['rev-parse', '--verify', '--quiet', 'HEAD']) : known.head || undefined,
  ]);
  return { ...(email ? { email } : {}), ...(branch ? { branch } : {}), ...(commit ? { commit } : {}) };
}
