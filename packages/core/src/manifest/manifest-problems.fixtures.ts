/**
 * Helpers for the manifest tests (kept free of vitest so the build can include
 * them like any other file; nothing exports them from the package).
 */
import { formatProblem, ValidationError, type Problem } from '../errors.js';
import { parseManifest } from './parse-manifest.js';

/** The problems `parseManifest` reports for `text`; throws when it parses. */
export function collectProblems(text: string): Problem[] {
  try {
    parseManifest(text, 'stacks.yaml');
  } catch (error) {
    if (error instanceof ValidationError) return [...error.problems];
    throw error;
  }
  throw new Error('expected the manifest to be invalid');
}

/** Each problem as `CODE file:line:col keyPath: message` + hint, as the CLI prints it. */
export function formatProblems(text: string): string {
  return collectProblems(text)
    .map((problem) => `${problem.code} ${formatProblem(problem)}`)
    .join('\n');
}
