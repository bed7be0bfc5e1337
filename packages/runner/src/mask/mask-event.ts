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
  // A policy's message is built from the plan's values: free text like a log line.
  if (event.type === 'policy.evaluated') return { ...event, message: masker.mask(event.message) };
  return event;
}

/** The stored stack record with its free text (the reason) masked. */
export function maskStackRunRecord(record: StackRunRecord, masker: Masker): StackRunRecord {
  return record.reason === undefined ? record : { ...record, reason: masker.mask(record.reason) };
}
