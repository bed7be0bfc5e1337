import { readFileSync } from 'node:fs';
import { GATE_NAME } from './start-gate.js';

/**
 * Whether the gate of process group `gatePid` has started the program yet
 * (exec'd into it, or, when recording, forked a child that has exec'd). Read
 * from /proc; where there is none the answer is yes, the old behaviour.
 */
export function hasProgramStarted(gatePid: number): boolean {
  const isGate = (pid: string | number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(GATE_NAME);
  try {
    if (!isGate(gatePid)) return true;
    const children = readFileSync(`/proc/${gatePid}/task/${gatePid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    return children.some((pid) => {
      try {
        return !isGate(pid);
      } catch {
        return false;
      }
    });
  } catch {
    return true;
  }
}
