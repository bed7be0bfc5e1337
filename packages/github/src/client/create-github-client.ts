/**
 * Octokit with GitHub's own retry and rate-limit behaviour: `plugin-retry`
 * retries server errors, `plugin-throttling` waits out primary and secondary
 * rate limits (honouring `retry-after`). We never retry by hand.
 */
import { Octokit } from '@octokit/rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
// The light build the throttling plugin itself uses (no Redis clustering); it ships no types of its own.
import Bottleneck from 'bottleneck/light.js';

const GithubOctokit = Octokit.plugin(retry, throttling);
/** The plugins add behaviour, not methods: callers see a plain REST Octokit. */
export type GithubClient = Octokit;

export interface GithubClientOptions {
  token: string;
  /** `GITHUB_API_URL` (GHES: `https://ghes.example.com/api/v3`). @default https://api.github.com */
  baseUrl?: string;
  /** Rate-limit waits allowed per request before giving up. @default 2 */
  rateLimitRetries?: number;
  /**
   * Least time between two write requests (POST/PATCH/PUT/DELETE), which stay
   * one at a time whatever this is. GitHub asks integrations for 1 s between
   * writes and the throttling plugin adds 3 s between writes that notify
   * people (comments, issues); leave it unset against GitHub. Tests against a
   * local fake server set it (`STACKFLEET_GITHUB_MIN_WRITE_INTERVAL_MS`) so a
   * run's handful of writes do not cost seconds each.
   * @default GitHub's spacing (1000 ms, 3000 ms for notifying writes)
   */
  minWriteIntervalMs?: number;
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
      ...buildWriteSpacing(options.minWriteIntervalMs),
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

/**
 * The plugin's `write` and `notifications` limiter groups with another
 * `minTime`; unset keeps the plugin's own (shared by every client in the
 * process, as GitHub's limits are per token). Rate-limit retries are not
 * touched: they go through the plugin's retry limiter either way.
 */
function buildWriteSpacing(minWriteIntervalMs: number | undefined): { write?: Bottleneck.Group; notifications?: Bottleneck.Group } {
  if (minWriteIntervalMs === undefined) return {};
  const group = (id: string) => new Bottleneck.Group({ id, maxConcurrent: 1, minTime: minWriteIntervalMs });
  return { write: group('stackfleet-write'), notifications: group('stackfleet-notifications') };
}
