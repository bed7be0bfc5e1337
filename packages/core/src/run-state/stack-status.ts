import type { StackStatus } from '../events.js';

/**
 * What each final stack status means to later runs, in one table: adding a
 * status is a type error here until someone decides both questions.
 * - `completed`: the stack ran through (its duration is a fair sample for an ETA);
 * - `keptOnResume`: `resume` never runs it again.
 */
const STATUS_TRAITS: Record<StackStatus, { completed: boolean; keptOnResume: boolean }> = {
  succeeded: { completed: true, keptOnResume: true },
  changed: { completed: true, keptOnResume: true },
  unchanged: { completed: true, keptOnResume: true },
  denied: { completed: false, keptOnResume: true },
  // resume plans it again and asks the policies again, now with the approvals given.
  awaiting_approval: { completed: false, keptOnResume: false },
  failed: { completed: false, keptOnResume: false },
  skipped: { completed: false, keptOnResume: false },
  interrupted: { completed: false, keptOnResume: false },
};

/** Every final status of a stack in a run (SPEC §4 `stack.finished`). */
export const STACK_STATUSES: readonly StackStatus[] = Object.keys(STATUS_TRAITS) as StackStatus[];

/** Whether a stored stack state (a `StackRunState`, or any string read back) is final (not `pending`, `running`, `planned` or `applying`). */
export function isStackStatus(state: string): state is StackStatus {
  return Object.hasOwn(STATUS_TRAITS, state);
}

/** Whether the stack ran through to a result: succeeded, changed or unchanged. */
export function isCompletedStatus(state: string): state is StackStatus {
  return isStackStatus(state) && STATUS_TRAITS[state].completed;
}

/** Whether `resume` keeps this result instead of running the stack again. */
export function isKeptOnResume(state: string): state is StackStatus {
  return isStackStatus(state) && STATUS_TRAITS[state].keptOnResume;
}
