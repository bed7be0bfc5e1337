import type { RunEvent, StackClaim } from '@stackfleet/core';
import type { RunReporter } from '../run/run-reporter.js';
import type { QueueStore } from './remote-payload.js';

export interface ClaimEventSink extends RunReporter {
  /** Writes what is buffered now; resolves false when the claim lost its fence. */
  flush(): Promise<boolean>;
  /**
   * Stops writing: waits for the batches in flight and hands back what is
   * still buffered, for the caller to write in its own transaction (the
   * completion's: one round of writes per stack less); undefined when the
   * claim lost its fence.
   */
  takeRest(): Promise<RunEvent[] | undefined>;
}

/**
 * A worker's events and log lines, written to the database in batches (every
 * `intervalMs`, or at once past `maxBatch` events) and only while the claim
 * holds its fence: a worker whose lease was taken over writes no more lines.
 * `onLost` hears the first refused batch.
 */
export function createClaimEventSink(store: QueueStore, claim: StackClaim, options: { intervalMs?: number; maxBatch?: number; onLost: () => void }): ClaimEventSink {
  const intervalMs = options.intervalMs ?? 200;
  const maxBatch = options.maxBatch ?? 500;
  let buffer: RunEvent[] = [];
  let writing: Promise<boolean> = Promise.resolve(true);
  let timer: NodeJS.Timeout | undefined;
  let lost = false;
  const flush = (): Promise<boolean> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const batch = buffer;
    buffer = [];
    // Chained, so batches land in order.
    writing = writing.then(async (ok) => {
      if (!ok || lost) return false;
      if (batch.length === 0) return true;
      const written = await store.appendRunEvents(claim.runId, batch, claim).catch(() => false);
      if (!written && !lost) {
        lost = true;
        options.onLost();
      }
      return written;
    });
    return writing;
  };
  return {
    onEvent(event) {
      buffer.push(event);
      if (buffer.length >= maxBatch) void flush();
      else timer ??= setTimeout(() => void flush(), intervalMs);
    },
    flush,
    async takeRest() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      const ok = await writing;
      const rest = buffer;
      buffer = [];
      return ok && !lost ? rest : undefined;
    },
    async close() {
      await flush();
    },
  };
}
