/**
 * SPEC §5 Ctrl-C: the first interrupt stops starting stacks and is forwarded
 * to running ones; the second kills them.
 */
export interface Interrupts {
  signal: AbortSignal;
  forceSignal: AbortSignal;
  /** First call = graceful stop, second = kill (SIGINT does the same; the UI calls this). */
  interrupt(): void;
  dispose(): void;
}

/** Interrupts driven only by `interrupt()` (the UI reads Ctrl-C as a key in raw mode). */
export function createInterrupts(onFirst?: () => void): Interrupts {
  const graceful = new AbortController();
  const force = new AbortController();
  return {
    signal: graceful.signal,
    forceSignal: force.signal,
    interrupt() {
      if (!graceful.signal.aborted) {
        graceful.abort(new Error('interrupted'));
        onFirst?.();
      } else if (!force.signal.aborted) {
        force.abort(new Error('killed'));
      }
    },
    dispose() {},
  };
}

/** Interrupts driven by SIGINT and SIGTERM of this process (headless runs). */
export function listenForInterrupts(onFirst?: () => void): Interrupts {
  const interrupts = createInterrupts(onFirst);
  const onSignal = () => interrupts.interrupt();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    ...interrupts,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
