import { setLongTimeout } from '../timers/set-long-timeout.js';

/** Resolves after `ms` (any length: a retry backoff doubles), or early (without throwing) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setLongTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done(): void {
      timer.clear();
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
