import { relative, sep } from 'node:path';
import { createGithubClient, readGithubContext, type GithubClient, type GithubContext, type PullRequestInfo, type RepoRef } from '@stackfleet/github';
import { StackfleetError } from '@stackfleet/core';
import { readRepoRoot } from '@stackfleet/vcs';
import type { CommandContext } from '../command-context.js';
import type { Fleet } from '../manifest/read-manifest.js';

/** `--github`, `--github-token-env NAME`, `--github-checks per-stack` (command-table/github-options.ts). */
export interface GithubFlags {
  github?: boolean;
  githubTokenEnv?: string;
  githubChecks?: 'per-stack';
  /** Not a flag: the PR a comment command runs for (read through the API); answers go to its sticky comment. */
  githubPull?: PullRequestInfo;
}

/** One CLI invocation's link to GitHub: what the Actions job is, an API client, and where the fleet sits in the repository. */
export interface GithubSession {
  context: GithubContext;
  client: GithubClient;
  repo: RepoRef;
  /** The manifest's path from the repository root (`infra/stacks.yaml`): part of every marker. */
  manifestPath: string;
  /** Absolute repository root (the manifest's repository). */
  repoRoot: string;
  /** A line on stderr. */
  note: (message: string) => void;
  /** `warning: could not … : <reason>`, on stderr; never changes the exit code. */
  warn: (what: string, error: unknown) => void;
}

/**
 * Reads the Actions environment (a missing token or event file is
 * `E_GITHUB_ENV`, exit 1, naming the variable) and builds the API client
 * before anything runs, so a misconfigured job fails at once.
 */
export async function openGithubSession(context: CommandContext, fleet: Fleet, flags: GithubFlags): Promise<GithubSession> {
  const github = readGithubContext(context.io.env, flags.githubTokenEnv ? { tokenEnv: flags.githubTokenEnv } : {});
  const minWriteIntervalMs = readMinWriteInterval(context.io.env);
  const client = createGithubClient({
    token: github.token,
    baseUrl: github.apiUrl,
    ...(minWriteIntervalMs === undefined ? {} : { minWriteIntervalMs }),
    onWait: (message) => context.note(`note: ${message}`),
  });
  const repoRoot = await readRepoRoot(fleet.manifestDir);
  return {
    context: github,
    client,
    repo: { owner: github.owner, repo: github.repo },
    manifestPath: relative(repoRoot, fleet.manifestPath).split(sep).join('/'),
    repoRoot,
    note: context.note,
    warn: (what, error) => context.note(`warning: could not ${what}: ${describeApiError(error, github.token)}`),
  };
}

/**
 * `STACKFLEET_GITHUB_MIN_WRITE_INTERVAL_MS`: a test knob. Octokit's throttling
 * spaces writes 1 s apart (3 s for comments and issues), as GitHub asks; the
 * e2e tests talk to a local fake server and set 0. An explicit variable rather
 * than "the API URL is on loopback": a local proxy in front of github.com must
 * keep GitHub's spacing.
 */
export function readMinWriteInterval(env: Record<string, string | undefined>): number | undefined {
  const name = 'STACKFLEET_GITHUB_MIN_WRITE_INTERVAL_MS';
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) {
    throw new StackfleetError('E_USAGE', `Expected \`${name}\` to be a whole number of milliseconds from 0 and up, got \`${text}\``, {
      hint: `unset ${name}: GitHub's own spacing applies then`,
    });
  }
  return value;
}

/** An Octokit error's status and GitHub's message, without the token should it ever appear. */
export function describeApiError(error: unknown, token: string): string {
  const status = (error as { status?: number }).status;
  const message = error instanceof Error ? error.message : String(error);
  const text = status !== undefined && !message.includes(String(status)) ? `${status} ${message}` : message;
  return token.length > 0 ? text.replaceAll(token, '***') : text;
}
