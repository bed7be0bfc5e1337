/**
 * SPEC §5 Ctrl-C: the first SIGINT (or SIGTERM) stops starting stacks and is
 * forwarded to running ones; the second kills them.
 */
export interface Interrupts {
  signal: AbortSignal;
  forceSignal: AbortSignal;
  /** Same as receiving SIGINT (the UI calls this). */
  interrupt(): void;
  dispose(): void;
}

export function listenForInterrupts(onFirst?: () => void): Interrupts {
  const graceful = new AbortController();
  const force = new AbortController();
  const interrupt = () => {
    if (!graceful.signal.aborted) {
      graceful.abort(new Error('interrupted'));
      onFirst?.();
    } else if (!force.signal.aborted) {
      force.abort(new Error('killed'));
    }
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  return {
    signal: graceful.signal,
    forceSignal: force.signal,
    interrupt,
    dispose() {
      process.off('SIGINT', interrupt);
      process.off('SIGTERM', interrupt);
    },
  };
}
