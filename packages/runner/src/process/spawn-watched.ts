import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { startOrphanWatchdog, watchProcessGroup } from './orphan-watchdog.js';
import { GATE_GO, gateArgv } from './start-gate.js';

export interface WatchedProcess {
  child: ChildProcessWithoutNullStreams;
  /** Tells the watchdog the group is gone; call it once the child has closed. */
  unwatch: () => void;
}

/**
 * Spawns `argv` as the leader of its own process group, watched by the orphan
 * watchdog from before it runs: the watchdog is started first, the program
 * waits behind the start gate, and the go line is sent only after the group
 * is registered. A kill of stackfleet at any point in between therefore
 * leaves either no program (the gate reads EOF and exits) or a watched one.
 * This is the only place stack processes are spawned.
 */
export function spawnWatched(argv: readonly string[], options: { cwd: string; env: Record<string, string> }): WatchedProcess {
  startOrphanWatchdog();
  const [gate, ...gateArgs] = gateArgv(argv);
  const child = spawn(gate!, gateArgs, {
    cwd: options.cwd,
    env: options.env,
    // Own process group: we can signal the child and everything it started at
    // once, and the terminal's Ctrl-C reaches only us. Terraform treats a second
    // SIGINT as "quit now", so it must get exactly the one we forward.
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  // If stackfleet itself is killed (kill -9), the watchdog ends this group: no
  // orphaned apply. The program starts only after its group is registered.
  const unwatch = child.pid === undefined ? () => undefined : watchProcessGroup(child.pid);
  child.stdin.on('error', () => undefined);
  child.stdin.end(GATE_GO);
  return { child, unwatch };
}
