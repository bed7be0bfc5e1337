import { spawn, type ChildProcess } from 'node:child_process';

/** How long orphaned groups get between SIGTERM and SIGKILL. */
const ORPHAN_GRACE_MS = 10_000;


/**
 * Stack processes are forked by a small helper process of ours, the spawner,
 * not by the CLI process (issue #17). libuv's spawn on Linux is a `fork` of
 * the whole calling process followed by a blocking wait until the child has
 * exec'd. The CLI process is big (~120 MB: the bundle, V8's heaps, SQLite),
 * and every fork of it copied its page tables, made the child tear them down
 * again at exec, and left its heap copy-on-write, so that each write of ours
 * after a fork took a page fault: `perf` put ~30 % of a 500-stack run's CPU
 * there. (A worker thread, tried first, moved only the blocking wait; the
 * fork was still of the whole process.) The spawner is a bare `node` with
 * this script: forking it costs what forking any small node process costs.
 *
 * The spawner is also the orphan watchdog. Stack processes run in their own
 * process groups (so Ctrl-C reaches only us), which means they would outlive
 * a `kill -9` of stackfleet: an orphaned apply would go on changing
 * infrastructure while `resume` (which sees the holder pid gone and takes the
 * lock) starts the same stack again. When stackfleet dies, however it dies,
 * the spawner's IPC channel closes: it sends SIGTERM to every group it still
 * has (terraform stops gracefully on SIGTERM and releases its state lock),
 * waits up to the grace period, SIGKILLs what is left and exits. A group is
 * in its table from the fork on (`spawn` returns after the fork, before any
 * other event of the spawner can run) until its process has closed, so no
 * stack process ever runs unwatched. That is why a stack process starts at
 * once: it used to wait behind a start gate for a go line from the CLI,
 * sent once the CLI had the pid (a round trip through both processes per
 * stack, from when the CLI itself was the only watcher).
 *
 * Per process the spawner reports `spawned` (the pid), output as it comes,
 * and `close` carrying the exit status. `exit` comes on its own only when the
 * streams are still open after the process exited (something it left in its
 * group holds them): the CLI then ends that group, or `close` would never
 * come.
 *
 * The spawner has its own session (no terminal signals: Ctrl-C is the CLI's
 * to handle and forward) and ignores SIGINT, SIGTERM and SIGHUP, so a signal
 * meant for the fleet cannot take the watchdog away. If the spawner itself is
 * killed, the CLI sends SIGTERM to the groups it was running and fails them.
 *
 * Its code is a string (like the start gate's `sh` script) so that it runs the
 * same from the compiled package, the CLI bundle and the tests.
 */
const SPAWNER_SOURCE = `
'use strict';
process.title = 'stackfleet-spawner';
const { spawn } = require('node:child_process');
const GRACE_MS = ${ORPHAN_GRACE_MS};
const children = new Map();
let baseEnv = {};
// Messages go out in batches, one per turn of the event loop: with several stacks
// running, each write (and the wake-up of the CLI it causes) carries several of them.
let outbox = [];
const flush = () => {
  const batch = outbox;
  outbox = [];
  if (process.connected) process.send(batch);
};
const send = (message) => {
  if (outbox.length === 0) setImmediate(flush);
  outbox.push(message);
};
const signalGroup = (pid, signal) => { try { process.kill(-pid, signal); return true; } catch { return false; } };
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => undefined);
process.on('disconnect', () => {
  const groups = [...children.values()].map((child) => child.pid);
  for (const pid of groups) signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + GRACE_MS;
  const check = () => {
    const alive = groups.filter((pid) => signalGroup(pid, 0));
    if (alive.length > 0 && Date.now() < deadline) return void setTimeout(check, 100);
    for (const pid of alive) signalGroup(pid, 'SIGKILL');
    process.exit(0);
  };
  check();
});
process.on('message', (batch) => { for (const message of batch) start(message); });
// Node's own process and pipe handles (what child_process.spawn wraps), used
// directly: a ChildProcess with two net.Sockets over its pipes is ~0.5 ms of
// this process's CPU per stack (stream state, socket set-up and teardown),
// half of what spawning a short command costs here (docs/benchmarks.md,
// issue #17). process.binding warns only under --pending-deprecation, which
// this process never gets (its argv and env are ours). Without the bindings
// (another Node, or --portable for tests) child_process does the same.
const startProcess = (() => {
  let bindings;
  try {
    if (!process.argv.includes('--portable')) {
      bindings = { Process: process.binding('process_wrap').Process, Pipe: process.binding('pipe_wrap').Pipe, SOCKET: process.binding('pipe_wrap').constants.SOCKET };
    }
  } catch {}
  if (bindings && typeof bindings.Process === 'function' && typeof bindings.Pipe === 'function') return startWithHandles(bindings);
  return startWithChildProcess;
})();
// A NUL in an argument or the env would cut it short in exec: refused, as child_process does.
const findNul = (file, args, env) => [file, ...args, ...Object.keys(env), ...Object.values(env)].some((text) => String(text).includes('\\0'));
function startWithHandles({ Process, Pipe, SOCKET }) {
  const { getSystemErrorName } = require('node:util');
  return (file, args, cwd, env, on) => {
    if (findNul(file, args, env)) return { error: { code: 'ERR_INVALID_ARG_VALUE', message: 'spawn ' + file + ': an argument or environment variable contains a NUL byte' } };
    const handle = new Process();
    const pipes = [new Pipe(SOCKET), new Pipe(SOCKET)];
    const envPairs = [];
    for (const name in env) envPairs.push(name + '=' + env[name]);
    const status = handle.spawn({
      file, args: [file, ...args], cwd, envPairs, detached: true, windowsHide: false, windowsVerbatimArguments: false,
      stdio: [{ type: 'ignore' }, { type: 'pipe', readable: false, writable: true, handle: pipes[0] }, { type: 'pipe', readable: false, writable: true, handle: pipes[1] }],
    });
    if (status !== 0) {
      handle.close();
      for (const pipe of pipes) pipe.close();
      const code = getSystemErrorName(status);
      return { error: { code, message: 'spawn ' + file + ' ' + code } };
    }
    // 'close' once the process has exited and both pipes reached their end (EOF or an error: no ArrayBuffer).
    let open = 3;
    const settle = () => { open -= 1; if (open === 0) on.close(); };
    handle.onexit = (code, signal) => {
      handle.close();
      on.exit(signal ? null : code, signal || null);
      settle();
    };
    ['stdout', 'stderr'].forEach((stream, index) => {
      const pipe = pipes[index];
      pipe.onread = (bytes) => {
        if (bytes !== undefined) return on.data(stream, Buffer.from(bytes));
        pipe.readStop();
        pipe.close();
        settle();
      };
      if (pipe.readStart() !== 0) { pipe.close(); settle(); }
    });
    return { pid: handle.pid };
  };
}
function startWithChildProcess(file, args, cwd, env, on) {
  let child;
  try {
    child = spawn(file, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    return { error: { code: error.code, message: error.message } };
  }
  let failure;
  child.on('error', (error) => {
    if (child.pid === undefined) failure = { code: error.code, message: error.message };
  });
  if (child.pid === undefined) return { pending: new Promise((resolve) => setImmediate(() => resolve({ error: failure ?? { message: 'spawn ' + file + ' failed' } }))) };
  child.stdout.on('data', (bytes) => on.data('stdout', bytes));
  child.stderr.on('data', (bytes) => on.data('stderr', bytes));
  child.on('exit', on.exit);
  child.on('close', on.close);
  return { pid: child.pid };
}
const start = (message) => {
  const { id, file, args, cwd } = message;
  if (message.baseEnv) baseEnv = message.baseEnv;
  const env = { ...baseEnv, ...message.set };
  for (const name of message.unset) delete env[name];
  let exit;
  const started = startProcess(file, args, cwd, env, {
    data: (stream, bytes) => send({ type: 'data', id, stream, bytes }),
    exit: (code, signal) => {
      exit = { code, signal };
      // Usually both streams end within the same turn: one message then says it all.
      setImmediate(() => {
        if (children.has(id)) send({ type: 'exit', id, code, signal });
      });
    },
    close: () => {
      children.delete(id);
      send({ type: 'close', id, ...exit });
    },
  });
  if (started.pending) return void started.pending.then(({ error }) => send({ type: 'error', id, ...error }));
  if (started.error) return send({ type: 'error', id, ...started.error });
  children.set(id, started);
  send({ type: 'spawned', id, pid: started.pid });
};
`;

export interface SpawnRequest {
  file: string;
  args: readonly string[];
  cwd: string;
  env: Record<string, string>;
}

/** What the spawner reports about one process, in order. */
export type SpawnEvent =
  | { type: 'spawned'; pid: number }
  | { type: 'error'; code?: string; message: string }
  | { type: 'data'; stream: 'stdout' | 'stderr'; bytes: Uint8Array }
  | { type: 'exit'; code: number | null; signal: NodeJS.Signals | null }
  | { type: 'close'; code: number | null; signal: NodeJS.Signals | null };

let spawner: ChildProcess | undefined;
let portable = false;
let nextId = 0;
const listeners = new Map<number, (event: SpawnEvent) => void>();
/** The groups in flight, for when the spawner dies under them. */
const groups = new Map<number, number>();
/** The environment the spawner holds; each spawn sends only what differs (a stack's env is ~4 KB, nearly all shared). */
let sentEnv: Record<string, string> | undefined;

/**
 * Asks the spawner to start `request` (in its own process group, stdin at
 * EOF, stdout and stderr piped) and routes what it reports to `onEvent`,
 * ending with `close` or `error`. While any process is in flight the spawner
 * keeps this process alive; when none is, it does not.
 */
export function spawnInSpawner(request: SpawnRequest, onEvent: (event: SpawnEvent) => void): void {
  const helper = startSpawner();
  const id = (nextId += 1);
  listeners.set(id, onEvent);
  if (listeners.size === 1) setReferenced(helper, true);
  send({ type: 'spawn', id, file: request.file, args: request.args, cwd: request.cwd, ...encodeEnv(request.env) });
}

/**
 * Starts the spawner ahead of the first stack (its start-up, ~40 ms, then
 * overlaps the run's own set-up). Idempotent, and never keeps this process alive.
 * `portable` (tests) makes it, and any spawner started after it, use
 * child_process: its fallback where Node's process and pipe handles are not
 * reachable.
 */
export function startSpawner(options: { portable?: boolean } = {}): ChildProcess {
  if (options.portable) portable = true;
  if (spawner) return spawner;
  const helper = spawn(process.execPath, ['--max-semi-space-size=1', '--interrupt-budget=600000', '-e', SPAWNER_SOURCE, ...(portable ? ['--', '--portable'] : [])], {
    // Nothing of the user's environment: NODE_OPTIONS could load code into it. Stacks get their env per spawn.
    env: pickDefined({ PATH: process.env.PATH, LD_LIBRARY_PATH: process.env.LD_LIBRARY_PATH }),
    detached: true,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  helper.on('message', (batch: Array<SpawnEvent & { id: number }>) => {
    for (const message of batch) {
      const onEvent = listeners.get(message.id);
      if (!onEvent) continue;
      if (message.type === 'spawned') groups.set(message.id, message.pid);
      if (message.type === 'close' || message.type === 'error') forget(message.id, helper);
      onEvent(message);
    }
  });
  // The spawner is gone (it should never be before us): what it was running can be neither
  // followed nor watched any more, so it is stopped (SIGTERM, then SIGKILL) and reported failed.
  const fail = (error: Error): void => {
    if (spawner !== helper) return;
    spawner = undefined;
    sentEnv = undefined;
    outbox = [];
    const orphans = [...groups.values()];
    signalGroups(orphans, 'SIGTERM');
    if (orphans.length > 0) setTimeout(() => signalGroups(orphans, 'SIGKILL'), ORPHAN_GRACE_MS).unref();
    for (const [id, onEvent] of listeners) {
      forget(id, helper);
      onEvent({ type: 'error', message: `the spawner process stopped: ${error.message}` });
    }
  };
  helper.on('error', fail);
  helper.on('exit', (code, signal) => fail(new Error(signal ? `signal ${signal}` : `exit code ${code}`)));
  setReferenced(helper, false);
  // Reaped before we exit, as a stack we forked ourselves would have been: its
  // CPU time, and that of every stack it forked, then counts in ours (`time`,
  // a CI job's accounting). It exits as soon as its channel closes.
  process.once('beforeExit', () => {
    if (spawner !== helper || !helper.connected) return;
    helper.disconnect();
    helper.ref();
  });
  spawner = helper;
  return helper;
}

/** Spawn requests of one turn of the event loop, sent together (as the spawner batches its reports). */
let outbox: object[] = [];

function send(message: object): void {
  if (outbox.length === 0) setImmediate(flush);
  outbox.push(message);
}

function flush(): void {
  const batch = outbox;
  outbox = [];
  // The spawner of now: requests queued for one that died were dropped with it (`fail`).
  if (batch.length > 0 && spawner?.connected) spawner.send(batch);
}

function encodeEnv(env: Record<string, string>): { baseEnv?: Record<string, string>; set: Record<string, string>; unset: string[] } {
  const base = sentEnv;
  if (!base) {
    sentEnv = { ...env };
    return { baseEnv: sentEnv, set: {}, unset: [] };
  }
  const set: Record<string, string> = {};
  for (const name in env) if (base[name] !== env[name]) set[name] = env[name]!;
  const unset: string[] = [];
  for (const name in base) if (!(name in env)) unset.push(name);
  return { set, unset };
}

function signalGroups(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(-pid, signal);
    } catch {
      // ESRCH: that group is already gone.
    }
  }
}

function forget(id: number, helper: ChildProcess): void {
  listeners.delete(id);
  groups.delete(id);
  if (listeners.size === 0) setReferenced(helper, false);
}

function setReferenced(helper: ChildProcess, referenced: boolean): void {
  const channel = helper.channel as { ref(): void; unref(): void } | null | undefined;
  if (referenced) {
    helper.ref();
    channel?.ref();
  } else {
    helper.unref();
    channel?.unref();
  }
}

function pickDefined(values: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
