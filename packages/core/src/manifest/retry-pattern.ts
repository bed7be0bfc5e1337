import { RE2JS } from 're2js';

// `/source/flags`; anything else is a substring.
const REGEX_PATTERN = /^\/(.+)\/([a-z]*)$/s;

const FLAGS: Record<string, number> = { i: RE2JS.CASE_INSENSITIVE, s: RE2JS.DOTALL, m: RE2JS.MULTILINE };
// Meaningless for a yes/no test of one line; accepted so existing patterns keep working.
const IGNORED_FLAGS = new Set(['g', 'y', 'u']);

export type RetryMatcher = (line: string) => boolean;

/**
 * Compiles a `retries.on` entry: `/regex/flags` (flags `i`, `s`, `m`) with
 * RE2 semantics, anything else as a substring. RE2 matches in time linear in
 * the line, so a pattern like `/(a+)+$/` cannot hang a run on a long line of
 * output the way a backtracking engine does; the price is RE2's syntax: no
 * backreferences, no lookaround.
 *
 * @throws Error with the reason when a `/regex/` does not compile.
 */
export function compileRetryPattern(pattern: string): RetryMatcher {
  const regex = REGEX_PATTERN.exec(pattern);
  if (!regex) return (line) => line.includes(pattern);
  let flags = 0;
  for (const flag of regex[2] ?? '') {
    if (IGNORED_FLAGS.has(flag)) continue;
    const value = FLAGS[flag];
    if (value === undefined) throw new Error(`unsupported flag "${flag}" (use i, s or m)`);
    flags |= value;
  }
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(regex[1] ?? '', flags);
  } catch (error) {
    // "error parsing regexp: missing closing ): `(a`": keep the reason.
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(message.replace(/^error parsing regexp: /, ''));
  }
  return (line) => compiled.matcher(line).find();
}

/** Why a `/regex/` retry pattern does not compile, or undefined. */
export function findRetryPatternError(pattern: string): string | undefined {
  try {
    compileRetryPattern(pattern);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
