import { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import { isSystemShellInPath } from './find-executable.js';
import { spawnInSpawner } from './spawner.js';
import { gateArgv } from './start-gate.js';

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
 * Spawns `argv` as the leader of its own process group, watched from its
 * fork on: the spawner (`spawner.ts`, which forks it, so the CLI process
 * itself never forks for a stack) is also the orphan watchdog, and a kill of
 * stackfleet at any point leaves no program it does not end. An apply runs
 * behind the gate (`start-gate.ts`), which records its exit status; anything
 * else is started as it is. This is the only place stack processes are spawned.
 */
export function spawnWatched(argv: readonly string[], options: { cwd: string; env: Record<string, string> }): WatchedProcess {
  // `sh -c` commands run in the gate's own shell when `sh` is that shell (see GATE_IN_SHELL).
  const [file, ...args] = options.env.STACKFLEET_EXIT_FILE
    ? gateArgv(argv, { inShell: isSystemShellInPath(options.env.PATH, options.cwd) })
    : argv;
  const streams = new Map<'stdout' | 'stderr', Readable>();
  const watched: WatchedProcess = Object.assign(new EventEmitter(), { pid: undefined });
  let exit: [number | null, NodeJS.Signals | null] | undefined;
  spawnInSpawner({ file: file!, args, cwd: options.cwd, env: options.env }, (event) => {
    switch (event.type) {
      case 'spawned':
        watched.pid = event.pid;
        watched.emit('spawn');
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
      case 'close': {
        // One message when the streams ended with the process (the usual case): `exit` first, as a ChildProcess does.
        const status = exit ?? [event.code, event.signal];
        if (!exit) watched.emit('exit', ...status);
        // `close` only once both streams have delivered everything they hold.
        Promise.all([...streams.values()].map(ended)).then(
          () => watched.emit('close', ...status),
          () => watched.emit('close', ...status),
        );
        for (const readable of streams.values()) readable.push(null);
        return;
      }
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
