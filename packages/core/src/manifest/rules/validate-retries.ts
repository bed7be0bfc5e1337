import type { Problem } from '../../errors.js';
import { quoteText } from '../../text/quote-text.js';
import { findRetryPatternError } from '../retry-pattern.js';
import { createProblem, type ManifestRule, listStacks } from './rule-context.js';

/**
 * `retries.on` entries written as `/regex/` compile. The runner would treat a
 * broken one as literal text, which silently never matches.
 */
export const validateRetries: ManifestRule = (context) => {
  const problems: Problem[] = [];
  const stacks = listStacks(context.manifest);
  for (let at = 0; at < stacks.length; at += 1) {
    const stack = stacks[at]!;
    const patterns = stack.retries.on;
    for (let index = 0; index < patterns.length; index += 1) {
      const pattern = patterns[index]!;
      const reason = findRetryPatternError(pattern);
      if (reason === undefined) continue;
      problems.push(
        createProblem(context, {
          code: 'E_REGEX',
          path: ['stacks', stack.name, 'retries', 'on', index],
          message: `invalid regular expression ${quoteText(pattern)}: ${reason}`,
          hint: 'fix the expression, or write it without the surrounding slashes to match it as plain text',
        }),
      );
    }
  }
  return problems;
};
