import { useEffect, useRef, useState } from 'react';

/**
 * The clock as of this render, and a re-render every `intervalMs` while
 * `active` (drives elapsed times and spinners). A tick is skipped when
 * something else rendered within the interval: a busy run already re-renders
 * for its events, and two timers drawing frames independently would double
 * the rendering work that competes with the run for the main thread.
 */
export function useNow(clock: () => number, intervalMs: number, active: boolean): number {
  const [, setTicks] = useState(0);
  const now = clock();
  const renderedAt = useRef(now);
  useEffect(() => {
    renderedAt.current = now;
  });
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      if (clock() - renderedAt.current >= intervalMs) setTicks((ticks) => ticks + 1);
    }, intervalMs);
    return () => clearInterval(timer);
  }, [clock, intervalMs, active]);
  return now;
}
