import type { RunEvent, RunEventListener } from '@stackfleet/core';

/**
 * One subscriber to a run (vitest's reporters, nx's life cycles): the ink UI,
 * plain CI lines, NDJSON, log files, the drift collector. Events arrive
 * masked, in order, one listener after the other.
 */
export interface RunReporter {
  onEvent(event: RunEvent): void;
  /**
   * Handed the run-wide masker's `mask` once it is built (before `run.started`),
   * for a reporter that sends text of its own making elsewhere (GitHub).
   */
  useMasker?(mask: (text: string) => string): void;
  /** Awaited once the run is over (also when it threw), e.g. to flush files. */
  close?(): Promise<void>;
}

/** What a run accepts as a subscriber: a reporter, or a bare event listener. */
export type RunListener = RunReporter | RunEventListener;

export function toRunReporter(listener: RunListener): RunReporter {
  return typeof listener === 'function' ? { onEvent: listener } : listener;
}
