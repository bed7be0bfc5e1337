import { hostname as readHostname } from 'node:os';
import type { RunRecord } from '@stackfleet/core';

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

/**
 * Whether a lease has run out: its time passed, unless its holder is a
 * process on this host that still exists. A stopped (SIGSTOP) or starved
 * process is not a dead one, and taking its lock would let the stack run
 * twice at once when it wakes up; only another host's holder, which cannot
 * be checked, is judged by the clock. (A lock left by a dead process whose
 * pid was reused stays held until that process ends or `unlock --force`.)
 */
export function isLeaseExpired(holderHost: string, pid: number, expiresMs: number, nowMs: number, thisHost: string): boolean {
  return expiresMs <= nowMs && !(holderHost === thisHost && isProcessAlive(pid));
}

export function readThisHost(): string {
  return readHostname();
}

/**
 * How a stored run reads: one recorded `running` whose process is provably
 * gone (kill -9, a crash; same host only) is `crashed`, resumable, never
 * "still running". Applied on every read, so `history`, `show` and `resume`
 * agree; the row itself is rewritten only when the run is resumed or finished.
 */
export function readRunStatus<Run extends Pick<RunRecord, 'status' | 'host' | 'pid'>>(run: Run, thisHost: string): Run {
  return run.status === 'running' && isHolderGone(run.host, run.pid, thisHost) ? { ...run, status: 'crashed' } : run;
}

/** Whether `resume` without an id picks this run up. */
export function isResumableRun(run: RunRecord): boolean {
  return run.status === 'interrupted' || run.status === 'crashed';
}
