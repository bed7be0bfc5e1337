import { emptyRunSummary, type RunEvent, type RunEventListener, type RunSummary } from '@stackfleet/core';
import type { RunHandle } from '@stackfleet/tui';
import { createInterrupts, type Interrupts } from '../runtime/interrupts.js';
import { RunHistory } from './run-history.js';

/** One run as the UI sees it, and the listener that feeds it. */
export interface LiveRun {
  handle: RunHandle;
  /** Attach to the run's listeners: events are buffered and replayed to late subscribers. */
  listener: RunEventListener;
  /** The run to follow: `handle.done` settles with it, with the run's summary. */
  follow(run: Promise<unknown>): void;
}

/**
 * Wraps one run as the UI's RunHandle: events are buffered and replayed to
 * late subscribers, `interrupt()` is the first/second Ctrl-C, and `done`
 * resolves with the run's summary.
 */
export function createRunHandle(interrupts: Interrupts = createInterrupts(), expectedDurations?: ReadonlyMap<string, number>): LiveRun {
  const history = new RunHistory();
  const listeners = new Set<(event: RunEvent) => void>();
  let summary: RunSummary | undefined;
  let settle: { resolve: (summary: RunSummary) => void; reject: (error: unknown) => void } | undefined;
  const done = new Promise<RunSummary>((resolve, reject) => (settle = { resolve, reject }));
  // A run that fails before any view holds `done` (at once, say) must not kill the UI as an unhandled rejection: the view shows it.
  done.catch(() => undefined);
  return {
    handle: {
      subscribe(listener) {
        history.replay(listener);
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      interrupt: () => interrupts.interrupt(),
      done,
      ...(expectedDurations ? { expectedDurations } : {}),
    },
    listener(event) {
      history.append(event);
      if (event.type === 'run.finished') summary = event.summary;
      for (const listener of listeners) listener(event);
    },
    follow(run) {
      run.then(() => settle?.resolve(summary ?? emptyRunSummary()), (error: unknown) => settle?.reject(error));
    },
  };
}
