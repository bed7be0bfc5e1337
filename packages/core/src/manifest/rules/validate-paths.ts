import type { Problem } from '../../errors.js';
import { createProblem, forEachSpec, type ManifestRule, listStacks } from './rule-context.js';
import { quoteText } from '../../text/quote-text.js';
import { isEmptyContainer } from '../../interpolation/collect-references.js';

/**
 * Lexical check only: absolute paths and `..` climbing above the root. Symlinks
 * need the disk, so the CLI checks those after loading.
 */
export function findPathEscape(path: string): 'absolute' | 'parent' | undefined {
  if (/^([/\\]|[A-Za-z]:)/.test(path)) return 'absolute';
  // No `..` at all cannot climb: no split for the common path.
  if (!path.includes('..')) return undefined;
  let depth = 0;
  for (const segment of path.split(/[/\\]/)) {
    if (segment === '' || segment === '.') continue;
    depth += segment === '..' ? -1 : 1;
    if (depth < 0) return 'parent';
  }
  return undefined;
}

/** Stack paths stay inside their repository; files stay inside the stack directory. */
export const validatePaths: ManifestRule = (context) => {
  const problems: Problem[] = [];
  const stacks = listStacks(context.manifest);
  for (let index = 0; index < stacks.length; index += 1) {
    const stack = stacks[index]!;
    const escape = findPathEscape(stack.path);
    if (escape === undefined) continue;
    const where = stack.repo === undefined ? 'the repository of this manifest' : `repo "${stack.repo}"`;
    problems.push(
      createProblem(context, {
        code: 'E_PATH_ESCAPE',
        path: ['stacks', stack.name, 'path'],
        message:
          escape === 'absolute'
            ? `path ${quoteText(stack.path)} is absolute; a stack path must stay inside ${where}`
            : `path ${quoteText(stack.path)} escapes ${where}`,
        hint: 'use a path relative to the repository root that does not climb above it with ".."',
      }),
    );
  }
  forEachSpec(context.manifest, (section, spec) => {
    if (isEmptyContainer(spec.files)) return;
    for (const file in spec.files) {
      if (findPathEscape(file) === undefined) continue;
      problems.push(
        createProblem(context, {
          code: 'E_PATH_ESCAPE',
          path: [section, spec.name, 'files', file],
          message: `file ${quoteText(file)} would be written outside the stack directory`,
          hint: 'use a path relative to the stack directory, without ".." above it',
          target: 'key',
        }),
      );
    }
  });
  return problems;
};
