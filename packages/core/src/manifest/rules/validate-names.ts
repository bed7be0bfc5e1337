import type { Problem } from '../../errors.js';
import { createProblem, listStacks, type ManifestRule } from './rule-context.js';
import { quoteText } from '../../text/quote-text.js';

// Names appear in `${{ stacks.NAME.outputs.KEY }}`, globs and file names.
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/;
const KIND = { stacks: 'stack', contexts: 'context', repos: 'repo' } as const;

/** Stack, context and repo names can be written inside `${{ }}` and selectors. */
export const validateNames: ManifestRule = (context) => {
  const problems: Problem[] = [];
  for (const section of ['repos', 'contexts', 'stacks'] as const) {
    // Stacks from their list (listing a map of 10,000 keys sorts them); the same order.
    const names = section === 'stacks' ? listStacks(context.manifest).map((stack) => stack.name) : Object.keys(context.manifest[section]);
    for (let index = 0; index < names.length; index += 1) {
      const name = names[index]!;
      if (NAME.test(name)) continue;
      problems.push(
        createProblem(context, {
          code: 'E_NAME',
          path: [section, name],
          message: `invalid ${KIND[section]} name ${quoteText(name)}`,
          hint: 'use letters, digits, "_" and "-" (not starting with "-")',
          target: 'key',
        }),
      );
    }
  }
  return problems;
};
