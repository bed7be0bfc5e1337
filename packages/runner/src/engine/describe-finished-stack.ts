import type { StackFinishedEvent, StackRunRecord } from '@stackfleet/core';

/** How a stack ended: what both its run record and its `stack.finished` event say (`messages`: event only). */
export type FinishedStack = Omit<StackFinishedEvent, 'type' | 'runId' | 'stack' | 'at'>;

/**
 * A finished stack as its record and its event, in one place for the local
 * engine and for workers (which only differ in where the two go).
 */
export function describeFinishedStack(
  runId: string,
  stack: string,
  finished: FinishedStack,
  options: { attempt: number; at: string },
): { record: Omit<StackRunRecord, 'runId' | 'stack'>; event: StackFinishedEvent } {
  const common = {
    durationMs: finished.durationMs,
    ...(finished.reason === undefined ? {} : { reason: finished.reason }),
    ...(finished.exitCode === undefined ? {} : { exitCode: finished.exitCode }),
    ...(finished.changes ? { changes: finished.changes } : {}),
    ...(finished.logFile === undefined ? {} : { logFile: finished.logFile }),
  };
  return {
    record: { state: finished.status, attempt: options.attempt, finishedAt: options.at, ...common },
    event: {
      type: 'stack.finished',
      runId,
      stack,
      status: finished.status,
      ...common,
      ...(finished.messages === undefined ? {} : { messages: finished.messages }),
      at: options.at,
    },
  };
}
