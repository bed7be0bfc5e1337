/**
 * A {@link RunHandle} driven by hand: tests and the bench push events into it.
 * Events pushed before a listener subscribes are replayed to it.
 */
import type { RunEvent, RunSummary } from '@stackfleet/core';
import type { RunHandle } from './types.js';

export interface ScriptedRun extends RunHandle {
  emit(event: RunEvent): void;
  /** Resolves `done`. */
  finish(summary: RunSummary): void;
  /** Rejects `done`. */
  fail(error: Error): void;
  /** How many times `interrupt()` was called. */
  readonly interrupts: number;
}

export function createScriptedRun(): ScriptedRun {
  const listeners = new Set<(event: RunEvent) => void>();
  const history: RunEvent[] = [];
  let resolve: (summary: RunSummary) => void = () => undefined;
  let reject: (error: Error) => void = () => undefined;
  const done = new Promise<RunSummary>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  // An unobserved rejection must not crash the process; the UI observes it when mounted.
  done.catch(() => undefined);
  let interrupts = 0;
  return {
    subscribe(listener) {
      for (const event of history) listener(event);
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    interrupt() {
      interrupts += 1;
    },
    get interrupts() {
      return interrupts;
    },
    done,
    emit(event) {
      history.push(event);
      for (const listener of listeners) listener(event);
    },
    finish: (summary) => resolve(summary),
    fail: (error) => reject(error),
  };
}
