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
  const code = unique.every((error) => error.code === 'E_SECRET_TOO_SHORT') ? 'E_SECRET_TOO_SHORT' : 'E_SECRET_MISSING';
  return new StackfleetError(code, `${unique.length} secrets cannot be ${code === 'E_SECRET_TOO_SHORT' ? 'used' : 'read'}:\n${unique.map((error) => `  - ${error.message}`).join('\n')}`, {
    ...(hints.length > 0 ? { hint: hints.join('; ') } : {}),
    // The parts, so a caller combining several stacks' errors can flatten them.
    cause: unique,
  });
}

/** The single errors inside a combined one (or the error itself). */
export function splitSecretErrors(error: StackfleetError): StackfleetError[] {
  return Array.isArray(error.cause) ? (error.cause as StackfleetError[]) : [error];
}

/** A secret that cannot be used: not readable (`E_SECRET_MISSING`) or too short to mask (`E_SECRET_TOO_SHORT`). */
export function isSecretMissing(error: unknown): error is StackfleetError {
  return isStackfleetError(error) && (error.code === 'E_SECRET_MISSING' || error.code === 'E_SECRET_TOO_SHORT');
}
