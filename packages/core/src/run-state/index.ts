export { STACK_STATUSES, isCompletedStatus, isKeptOnResume, isStackStatus } from './stack-status.js';
export { emptyRunSummary } from './empty-run-summary.js';
