/**
 * Octokit with GitHub's own retry and rate-limit behaviour: `plugin-retry`
 * retries server errors, `plugin-throttling` waits out primary and secondary
 * rate limits (honouring `retry-after`). We never retry by hand.
 */
import { Octokit } from '@octokit/rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';

const GithubOctokit = Octokit.plugin(retry, throttling);
/** The plugins add behaviour, not methods: callers see a plain REST Octokit. */
export type GithubClient = Octokit;

export interface GithubClientOptions {
  token: string;
  /** `GITHUB_API_URL` (GHES: `https://ghes.example.com/api/v3`). @default https://api.github.com */
  baseUrl?: string;
  /** Rate-limit waits allowed per request before giving up. @default 2 */
  rateLimitRetries?: number;
  /** Called when a rate limit makes us wait (for a notice in the log). */
  onWait?: (message: string) => void;
}

export function createGithubClient(options: GithubClientOptions): GithubClient {
  const retries = options.rateLimitRetries ?? 2;
  const client: GithubClient = new GithubOctokit({
    auth: options.token,
    baseUrl: (options.baseUrl ?? 'https://api.github.com').replace(/\/+$/, ''),
    userAgent: 'stackfleet',
    // Octokit logs warnings (deprecations) to the console by default; ours go through onWait.
    log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    throttle: {
      onRateLimit: (retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number) => {
        options.onWait?.(`GitHub rate limit reached; retrying in ${retryAfter}s`);
        return retryCount < retries;
      },
      onSecondaryRateLimit: (retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number) => {
        options.onWait?.(`GitHub secondary rate limit reached; retrying in ${retryAfter}s`);
        return retryCount < retries;
      },
    },
    retry: { retries: 2 },
  });
  return client;
}
