import { isStackfleetError, StackfleetError } from '@stackfleet/core';

/**
 * One error for every secret that could not be read, so a first run names
 * all the variables and files to provide at once instead of one per try.
 * Duplicates (a context's secret, read for several stacks) are listed once.
 */
export function combineSecretErrors(errors: readonly StackfleetError[]): StackfleetError {
  const unique = [...new Map(errors.map((error) => [error.message, error])).values()];
  if (unique.length === 1) return unique[0]!;
  const hints = [...new Set(unique.map((error) => error.hint).filter((hint): hint is string => hint !== undefined))];
  return new StackfleetError('E_SECRET_MISSING', `${unique.length} secrets cannot be read:\n${unique.map((error) => `  - ${error.message}`).join('\n')}`, {
    ...(hints.length > 0 ? { hint: hints.join('; ') } : {}),
    // The parts, so a caller combining several stacks' errors can flatten them.
    cause: unique,
  });
}

/** The single errors inside a combined one (or the error itself). */
export function splitSecretErrors(error: StackfleetError): StackfleetError[] {
  return Array.isArray(error.cause) ? (error.cause as StackfleetError[]) : [error];
}

export function isSecretMissing(error: unknown): error is StackfleetError {
  return isStackfleetError(error) && error.code === 'E_SECRET_MISSING';
}
