import type { RunEvent, StackRunRecord } from '@stackfleet/core';
import type { Masker } from './masker.js';

/**
 * The event with its free text masked: a stack's output line and the reason
 * a stack failed or was skipped. Names, ids, statuses and times are ours, not
 * the outside world's, and stay as they are (a secret that happens to equal
 * a stack name must not rename the stack).
 */
export function maskEvent(event: RunEvent, masker: Masker): RunEvent {
  if (event.type === 'stack.log') return { ...event, line: masker.mask(event.line) };
  if (event.type === 'stack.finished' && (event.reason !== undefined || event.messages !== undefined)) {
    return {
      ...event,
      ...(event.reason === undefined ? {} : { reason: masker.mask(event.reason) }),
      ...(event.messages === undefined ? {} : { messages: event.messages.map((message) => masker.mask(message)) }),
    };
  }
  if (event.type === 'policy.evaluated') return maskPolicyDecision(event, masker);
  return event;
}

/**
 * A policy decision with the text a policy made masked: the message (built
 * from the plan's values, free text like a log line) and the rule, which an
 * exec policy's command prints as it likes (`{"rule": "..."}`). The policy's
 * name is ours (its file's `name:` or file name). Every decision that leaves
 * a run, as an event or a stored row, goes through here.
 */
export function maskPolicyDecision<T extends { rule: string; message: string }>(decision: T, masker: Masker): T {
  return { ...decision, rule: masker.mask(decision.rule), message: masker.mask(decision.message) };
}

/** The stored stack record with its free text (the reason) masked. */
export function maskStackRunRecord(record: StackRunRecord, masker: Masker): StackRunRecord {
  return record.reason === undefined ? record : { ...record, reason: masker.mask(record.reason) };
}
