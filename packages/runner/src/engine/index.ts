export { findRetryMatch } from './run-with-retries.js';
export type { ChangedPlanAnswer, DriftRemediation, RunOptions, RunResult, SavedPlanApply, StackOutcome } from './types.js';
export { createFingerprintCache, type FingerprintCache } from '../saved-plans/fingerprint-stack.js';
