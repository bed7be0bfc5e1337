export { runStacks } from './run-stacks.js';
export { findRetryMatch } from './run-with-retries.js';
export type { DriftRemediation, RunOptions, RunResult, StackOutcome } from './types.js';
