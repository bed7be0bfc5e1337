import { hostname as readHostname } from 'node:os';

/**
 * Whether `pid` exists on this machine. Signal 0 checks without signalling;
 * EPERM means the process exists but belongs to someone else, so only ESRCH
 * proves it is gone.
 */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Whether a holder recorded as (host, pid) is known to be dead: only provable
 * for processes on this same host. A process on another host is presumed alive.
 */
export function isHolderGone(holderHost: string, pid: number, thisHost: string): boolean {
  return holderHost === thisHost && !isProcessAlive(pid);
}

export function readThisHost(): string {
  return readHostname();
}
