import { Worker } from 'node:worker_threads';

/**
 * Stack processes are forked by a worker thread of ours, not by the main
 * thread (issue #17). libuv's spawn on Linux is a `fork` of the whole process
 * followed by a *blocking* wait until the child has exec'd; on a loaded
 * machine that wait was ~10 ms per stack, half the wall time of a 500-stack
 * run, during which the main thread could neither schedule, write state nor
 * handle output. From a worker the wait blocks only that thread.
 *
 * Crash safety is unchanged: the worker is part of this process (a kill -9
 * takes it too, so gates waiting for their go line read EOF and exit), the
 * watchdog registration and the go line stay where they were (see
 * `spawn-watched.ts`), and signals are sent by the main thread to the
 * process group as before. The worker only forks, relays the child's output
 * bytes in order, writes the go line when told, and reports exit and close.
 *
 * The worker's code is a string (like the watchdog's `sh` script) so that it
 * runs the same from the compiled package, the CLI bundle and the tests. It
 * is loaded as a `data:` URL, which Node always reads as an ES module (an
 * `eval` worker is CommonJS or not depending on the parent's `--input-type`).
 */
const SPAWN_THREAD_SOURCE = `
import { parentPort } from 'node:worker_threads';
import { spawn } from 'node:child_process';
const children = new Map();
const post = (message, transfer) => parentPort.postMessage(message, transfer);
parentPort.on('message', (message) => {
  if (message.type === 'go') {
    const child = children.get(message.id);
    if (child) child.stdin.end(message.line);
    return;
  }
  const { id, file, args, cwd, env } = message;
  let child;
  try {
    child = spawn(file, args, { cwd, env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (error) {
    post({ type: 'error', id, code: error.code, message: error.message });
    return;
  }
  let failed = false;
  child.on('error', (error) => {
    if (child.pid !== undefined) return;
    failed = true;
    children.delete(id);
    post({ type: 'error', id, code: error.code, message: error.message });
  });
  if (child.pid === undefined) return;
  children.set(id, child);
  child.stdin.on('error', () => undefined);
  for (const stream of ['stdout', 'stderr']) {
    child[stream].on('data', (chunk) => {
      // A copy of just these bytes, moved (not cloned) to the main thread:
      // a chunk is a view into a larger buffer, which a clone would copy whole.
      const bytes = new Uint8Array(chunk);
      post({ type: 'data', id, stream, bytes }, [bytes.buffer]);
    });
  }
  child.on('exit', (code, signal) => post({ type: 'exit', id, code, signal }));
  child.on('close', () => {
    children.delete(id);
    if (!failed) post({ type: 'close', id });
  });
  post({ type: 'spawned', id, pid: child.pid });
});
`;

export interface SpawnRequest {
  file: string;
  args: readonly string[];
  cwd: string;
  env: Record<string, string>;
}

/** What the spawn thread reports about one process, in order. */
export type SpawnEvent =
  | { type: 'spawned'; pid: number }
  | { type: 'error'; code?: string; message: string }
  | { type: 'data'; stream: 'stdout' | 'stderr'; bytes: Uint8Array }
  | { type: 'exit'; code: number | null; signal: NodeJS.Signals | null }
  | { type: 'close' };

export interface ThreadProcess {
  /** Writes `line` to the gated process's stdin and closes it. */
  release(line: string): void;
}

let worker: Worker | undefined;
let nextId = 0;
const listeners = new Map<number, (event: SpawnEvent) => void>();

/**
 * Asks the spawn thread to start `request` (in its own process group, stdin,
 * stdout and stderr piped) and routes what it reports to `onEvent`, ending
 * with `close` or `error`. While any process is in flight the thread keeps
 * this process alive; when none is, it does not.
 */
export function spawnInThread(request: SpawnRequest, onEvent: (event: SpawnEvent) => void): ThreadProcess {
  const thread = startSpawnThread();
  const id = (nextId += 1);
  listeners.set(id, onEvent);
  if (listeners.size === 1) thread.ref();
  thread.postMessage({ type: 'spawn', id, file: request.file, args: request.args, cwd: request.cwd, env: request.env });
  return { release: (line) => thread.postMessage({ type: 'go', id, line }) };
}

function startSpawnThread(): Worker {
  if (worker) return worker;
  const thread = new Worker(new URL(`data:text/javascript,${encodeURIComponent(SPAWN_THREAD_SOURCE)}`));
  thread.on('message', (message: SpawnEvent & { id: number }) => {
    const onEvent = listeners.get(message.id);
    if (!onEvent) return;
    if (message.type === 'close' || message.type === 'error') forget(message.id, thread);
    onEvent(message);
  });
  // The thread is gone (it should never be): what it was running cannot be followed any more.
  const fail = (error: Error): void => {
    if (worker === thread) worker = undefined;
    for (const [id, onEvent] of listeners) {
      forget(id, thread);
      onEvent({ type: 'error', message: `the spawn thread stopped: ${error.message}` });
    }
  };
  thread.on('error', fail);
  thread.on('exit', (code) => fail(new Error(`exit code ${code}`)));
  thread.unref();
  worker = thread;
  return thread;
}

function forget(id: number, thread: Worker): void {
  listeners.delete(id);
  if (listeners.size === 0) thread.unref();
}
