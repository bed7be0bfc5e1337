import { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import { isSystemShellInPath } from './find-executable.js';
import { startOrphanWatchdog, watchProcessGroup } from './orphan-watchdog.js';
import { spawnInThread } from './spawn-thread.js';
import { GATE_GO, gateArgv } from './start-gate.js';

/**
 * A gated stack process, as far as `runProcess` needs one: `pid` is set when
 * `spawn` is emitted (the fork happens on the spawn thread), `output`
 * (stream name, Readable) comes when a stream's first bytes arrive (most
 * short stacks print nothing on stderr, many nothing at all: no stream, no
 * line reader for them), then `exit` (code, signal) and `close` (every byte
 * of every stream has been read), or `error` when it could not start.
 */
export interface WatchedProcess extends EventEmitter {
  pid: number | undefined;
  /** Tells the watchdog the group is gone; call it once the process has closed. */
  unwatch: () => void;
}

/**
 * Spawns `argv` as the leader of its own process group, watched by the orphan
 * watchdog from before it runs: the watchdog is started first, the program
 * waits behind the start gate, and the go line is sent only after the group
 * is registered. A kill of stackfleet at any point in between therefore
 * leaves either no program (the gate reads EOF and exits) or a watched one.
 * This is the only place stack processes are spawned (on the spawn thread,
 * `spawn-thread.ts`, so the fork's wait for exec never blocks the main thread).
 */
export function spawnWatched(argv: readonly string[], options: { cwd: string; env: Record<string, string> }): WatchedProcess {
  startOrphanWatchdog();
  // `sh -c` commands run in the gate's own shell when `sh` is that shell (see GATE_IN_SHELL).
  const [gate, ...gateArgs] = gateArgv(argv, { inShell: isSystemShellInPath(options.env.PATH, options.cwd) });
  const streams = new Map<'stdout' | 'stderr', Readable>();
  const watched: WatchedProcess = Object.assign(new EventEmitter(), { pid: undefined, unwatch: () => undefined });
  let exit: [number | null, NodeJS.Signals | null] = [null, null];
  const started = spawnInThread({ file: gate!, args: gateArgs, cwd: options.cwd, env: options.env }, (event) => {
    switch (event.type) {
      case 'spawned':
        watched.pid = event.pid;
        // If stackfleet itself is killed (kill -9), the watchdog ends this group: no
        // orphaned apply. The program starts only after its group is registered.
        watched.unwatch = watchProcessGroup(event.pid);
        // Listeners may stop the group first (an abort that came before the pid): it never runs the program.
        watched.emit('spawn');
        started.release(GATE_GO);
        return;
      case 'data': {
        let readable = streams.get(event.stream);
        if (!readable) {
          // read() is a no-op: the bytes are pushed as the spawn thread relays them.
          readable = new Readable({ read: () => undefined });
          streams.set(event.stream, readable);
          watched.emit('output', event.stream, readable);
        }
        readable.push(Buffer.from(event.bytes.buffer, event.bytes.byteOffset, event.bytes.byteLength));
        return;
      }
      case 'exit':
        exit = [event.code, event.signal];
        watched.emit('exit', ...exit);
        return;
      case 'close':
        // `close` only once both streams have delivered everything they hold, as a ChildProcess does.
        Promise.all([...streams.values()].map(ended)).then(
          () => watched.emit('close', ...exit),
          () => watched.emit('close', ...exit),
        );
        for (const readable of streams.values()) readable.push(null);
        return;
      case 'error':
        watched.emit('error', Object.assign(new Error(event.message), { code: event.code }));
        return;
    }
  });
  return watched;
}

function ended(stream: Readable): Promise<void> {
  return new Promise((resolve) => {
    if (stream.readableEnded) return resolve();
    stream.once('end', resolve);
    stream.once('close', resolve);
  });
}
