import { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import { isSystemShellInPath } from './find-executable.js';
import { spawnInSpawner } from './spawner.js';
import { GATE_GO, gateArgv } from './start-gate.js';

/**
 * A gated stack process, as far as `runProcess` needs one: `pid` is set when
 * `spawn` is emitted (the fork happens in the spawner), `output`
 * (stream name, Readable) comes when a stream's first bytes arrive (most
 * short stacks print nothing on stderr, many nothing at all: no stream, no
 * line reader for them), then `exit` (code, signal) and `close` (every byte
 * of every stream has been read), or `error` when it could not start.
 */
export interface WatchedProcess extends EventEmitter {
  pid: number | undefined;
}

/**
 * Spawns `argv` as the leader of its own process group, watched from before
 * it runs: the spawner (`spawner.ts`, which forks it, so the CLI process
 * itself never forks for a stack) is also the orphan watchdog and knows the
 * group from the fork on, and the program waits behind the start gate until
 * we have the pid and said go. A kill of stackfleet at any point therefore
 * leaves either no program (the gate is ended, or reads EOF, before running
 * it) or one the spawner ends. A signal asked for before the pid arrived is
 * sent to the group before the go line, so such a program never starts.
 * This is the only place stack processes are spawned.
 */
export function spawnWatched(argv: readonly string[], options: { cwd: string; env: Record<string, string> }): WatchedProcess {
  // `sh -c` commands run in the gate's own shell when `sh` is that shell (see GATE_IN_SHELL).
  const [gate, ...gateArgs] = gateArgv(argv, { inShell: isSystemShellInPath(options.env.PATH, options.cwd) });
  const streams = new Map<'stdout' | 'stderr', Readable>();
  const watched: WatchedProcess = Object.assign(new EventEmitter(), { pid: undefined });
  let exit: [number | null, NodeJS.Signals | null] = [null, null];
  const started = spawnInSpawner({ file: gate!, args: gateArgs, cwd: options.cwd, env: options.env }, (event) => {
    switch (event.type) {
      case 'spawned':
        watched.pid = event.pid;
        // Listeners may stop the group first (an abort that came before the pid): it never runs the program.
        watched.emit('spawn');
        started.release(GATE_GO);
        return;
      case 'data': {
        let readable = streams.get(event.stream);
        if (!readable) {
          // read() is a no-op: the bytes are pushed as the spawner relays them.
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
