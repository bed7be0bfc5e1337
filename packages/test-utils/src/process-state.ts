import { readFileSync } from 'node:fs';

/**
 * Whether `pid` is a running process, from /proc (Linux). Zombies count as
 * gone: in a container nobody may reap a re-parented child, so a killed
 * process can linger as one.
 */
export function isProcessRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
