import { compileRetryPattern, type RetryMatcher, type RetrySpec } from '@stackfleet/core';
import { sleep } from './sleep.js';

export interface RunWithRetriesOptions {
  retries: RetrySpec;
  /** Aborted = no more attempts (interrupt or timeout). */
  signal: AbortSignal;
  /** Output lines of the attempt that just failed, matched against `retries.on`. */
  linesOfLastAttempt: () => readonly string[];
  /** Called before each new attempt, so the caller can reset its line buffer and report. */
  onRetry: (attempt: number, delayMs: number, matched: string) => void | Promise<void>;
}

/**
 * Runs `attempt` until it succeeds, or fails in a way that is not retryable:
 * a failure is retried only when one of its output lines matches a
 * `retries.on` pattern and attempts remain. Waits `backoffMs`, doubled each
 * time (1s, 2s, 4s...), between attempts.
 *
 * Hand-written on purpose; p-retry (the maintained choice) does not fit the
 * "retry only on matching output" rule as it stands: its `onFailedAttempt`
 * runs before `shouldRetry` decides, so the "retrying" report would also fire
 * for the final failure; an abort during the backoff rejects with the
 * signal's reason instead of the phase's own error (which carries the output
 * and exit code); and it re-checks the signal after a successful attempt, so
 * an apply that completed just as Ctrl-C arrived would be reported as failed.
 */
export async function runWithRetries<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  options: RunWithRetriesOptions,
): Promise<T> {
  const { retries, signal } = options;
  for (let attemptNumber = 1; ; attemptNumber += 1) {
    try {
      return await attempt(attemptNumber);
    } catch (error) {
      if (attemptNumber >= retries.attempts || signal.aborted) throw error;
      const matched = findRetryMatch(options.linesOfLastAttempt(), retries.on);
      if (matched === undefined) throw error;
      const delayMs = retries.backoffMs * 2 ** (attemptNumber - 1);
      await options.onRetry(attemptNumber + 1, delayMs, matched);
      await sleep(delayMs, signal);
      if (signal.aborted) throw error;
    }
  }
}

/** The first pattern that matches any line: `/regex/flags` as a regular expression, anything else as a substring. */
export function findRetryMatch(lines: readonly string[], patterns: readonly string[]): string | undefined {
  const matchers = patterns.map((pattern) => ({ pattern, test: compileLinePattern(pattern) }));
  for (const line of lines) {
    const hit = matchers.find((matcher) => matcher.test(line));
    if (hit) return hit.pattern;
  }
  return undefined;
}

/** Validation rejects a `/regex/` that does not compile; should one get here, it is literal text. */
function compileLinePattern(pattern: string): RetryMatcher {
  try {
    return compileRetryPattern(pattern);
  } catch {
    return (line) => line.includes(pattern);
  }
}
