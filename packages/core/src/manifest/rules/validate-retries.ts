import type { Problem } from '../../errors.js';
import { createProblem, type ManifestRule } from './rule-context.js';

// Same form the runner matches: `/source/flags`; anything else is a substring.
const REGEX_PATTERN = /^\/(.+)\/([a-z]*)$/s;

/** Why a `/regex/` retry pattern does not compile, or undefined. */
export function findRetryPatternError(pattern: string): string | undefined {
  const match = REGEX_PATTERN.exec(pattern);
  if (!match) return undefined;
  try {
    new RegExp(match[1] ?? '', match[2]);
    return undefined;
  } catch (error) {
    // V8 says "Invalid regular expression: /source/: Unterminated group"; keep the reason.
    const message = error instanceof Error ? error.message : String(error);
    const reason = message.slice(message.lastIndexOf(': ') + 2);
    return reason.charAt(0).toLowerCase() + reason.slice(1);
  }
}

/**
 * `retries.on` entries written as `/regex/` compile. The runner would treat a
 * broken one as literal text, which silently never matches.
 */
export const validateRetries: ManifestRule = (context) => {
  const problems: Problem[] = [];
  for (const stack of Object.values(context.manifest.stacks)) {
    stack.retries.on.forEach((pattern, index) => {
      const reason = findRetryPatternError(pattern);
      if (reason === undefined) return;
      problems.push(
        createProblem(context, {
          code: 'E_REGEX',
          path: ['stacks', stack.name, 'retries', 'on', index],
          message: `invalid regular expression ${JSON.stringify(pattern)}: ${reason}`,
          hint: 'fix the expression, or write it without the surrounding slashes to match it as plain text',
        }),
      );
    });
  }
  return problems;
};
