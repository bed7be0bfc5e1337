import { useEffect, useState } from 'react';

/** The clock, re-read every `intervalMs` while `active` (drives elapsed times and spinners). */
export function useNow(clock: () => number, intervalMs: number, active: boolean): number {
  const [now, setNow] = useState(clock);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(clock()), intervalMs);
    return () => clearInterval(timer);
  }, [clock, intervalMs, active]);
  return now;
}
