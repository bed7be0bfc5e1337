import { readFileSync } from 'node:fs';
import { GATE_IN_SHELL, GATE_NAME } from './start-gate.js';

/**
 * Whether the gate of process group `gatePid` has started the program yet
 * (exec'd into it, or, when recording, forked a child that has exec'd). Read
 * from /proc; where there is none the answer is yes, the old behaviour. A
 * gate that runs its command in a subshell (`GATE_IN_SHELL`) has started it
 * once it has any child: the subshell runs the command from its first step.
 */
export function hasProgramStarted(gatePid: number): boolean {
  const readArgs = (pid: string | number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  const isGate = (pid: string | number) => readArgs(pid).includes(GATE_NAME);
  try {
    const gateArgs = readArgs(gatePid);
    if (!gateArgs.includes(GATE_NAME)) return true;
    const inShell = gateArgs.includes(GATE_IN_SHELL);
    const children = readFileSync(`/proc/${gatePid}/task/${gatePid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    return children.some((pid) => {
      try {
        return inShell || !isGate(pid);
      } catch {
        return false;
      }
    });
  } catch {
    return true;
  }
}
