import { describeCelError } from '../cel/compile-expression.js';
import type { PolicyDecision } from '../types.js';

/** An evaluation that failed is a deny carrying the error: never a silent pass. */
export function failClosed(policy: string, rule: string, error: unknown): PolicyDecision {
  const message = error instanceof Error && !('range' in error) ? error.message : describeCelError(error).message;
  return { policy, rule, effect: 'deny', message: `evaluation failed: ${message}`, error: true };
}
