export { findRetryMatch } from './run-with-retries.js';
export type { DriftRemediation, RunOptions, RunResult, StackOutcome } from './types.js';
