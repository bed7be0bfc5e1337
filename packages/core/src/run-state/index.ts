export { STACK_STATUSES, isCompletedStatus, isKeptOnResume, isStackStatus } from './stack-status.js';
