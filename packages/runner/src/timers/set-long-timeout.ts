/**
 * setTimeout's longest delay: 2^31-1 ms, about 24.8 days. A longer one fires
 * after 1 ms with a `TimeoutOverflowWarning`, so `timeout: 600h` killed a
 * stack at once.
 */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

export interface LongTimeout {
  /** Cancels the callback (whichever leg of the wait is running). */
  clear(): void;
}

/**
 * setTimeout for any duration a user can write: a delay past setTimeout's
 * limit is waited in legs of at most `limitMs`, re-arming until the whole
 * delay has passed, so `600h` means 600 hours. `limitMs` is there for tests.
 */
export function setLongTimeout(callback: () => void, delayMs: number, limitMs: number = MAX_TIMER_DELAY_MS): LongTimeout {
  let remaining = Math.max(0, delayMs);
  let timer: NodeJS.Timeout;
  const arm = (): void => {
    const leg = Math.min(remaining, limitMs);
    remaining -= leg;
    timer = setTimeout(remaining > 0 ? arm : callback, leg);
  };
  arm();
  return { clear: () => clearTimeout(timer) };
}
