import { runGit } from './run-git.js';

/** What git says about who runs and on what: each part undefined when git has none (no repo, detached, unset). */
export interface GitIdentity {
  /** `git config user.email`. */
  email?: string;
  branch?: string;
  commit?: string;
}

/** For a run's `input.run`: the user's email, the branch and the commit of `dir`'s work tree. Never throws. */
export async function readGitIdentity(dir: string): Promise<GitIdentity> {
  const read = (argv: string[]): Promise<string | undefined> =>
    runGit(argv, { cwd: dir }).then(
      (out) => out.trim() || undefined,
      () => undefined,
    );
  const [email, branch, commit] = await Promise.all([
    read(['config', 'user.email']),
    read(['symbolic-ref', '--quiet', '--short', 'HEAD']),
    read(['rev-parse', '--verify', '--quiet', 'HEAD']),
  ]);
  return { ...(email ? { email } : {}), ...(branch ? { branch } : {}), ...(commit ? { commit } : {}) };
}
