import type { RunEvent, RunSummary } from '@stackfleet/core';
import type { RunHandle } from '@stackfleet/tui';
import type { ExecuteOptions } from '../commands/execute-run.js';
import { createInterrupts, type Interrupts } from '../runtime/interrupts.js';

export type RunHooks = Required<Pick<ExecuteOptions, 'quiet' | 'interrupts' | 'onEvent'>>;

const EMPTY_SUMMARY: RunSummary = { total: 0, succeeded: 0, failed: 0, skipped: 0, unchanged: 0, changed: 0, denied: 0, durationMs: 0 };

/**
 * Wraps one run as the UI's RunHandle: events are buffered and replayed to
 * late subscribers, `interrupt()` is the first/second Ctrl-C, and `done`
 * resolves with the run's summary.
 */
export function createRunHandle(
  start: (hooks: RunHooks) => Promise<unknown>,
  interrupts: Interrupts = createInterrupts(),
  expectedDurations?: ReadonlyMap<string, number>,
): RunHandle {
  const events: RunEvent[] = [];
  const listeners = new Set<(event: RunEvent) => void>();
  let summary: RunSummary | undefined;
  const done = start({
    quiet: true,
    interrupts,
    onEvent: (event) => {
      events.push(event);
      if (event.type === 'run.finished') summary = event.summary;
      for (const listener of listeners) listener(event);
    },
  }).then(() => summary ?? EMPTY_SUMMARY);
  return {
    subscribe(listener) {
      for (const event of events) listener(event);
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    interrupt: () => interrupts.interrupt(),
    done,
    ...(expectedDurations ? { expectedDurations } : {}),
  };
}
