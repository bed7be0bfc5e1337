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
const start = (message) => {
  const { id, file, args, cwd } = message;
  if (message.baseEnv) baseEnv = message.baseEnv;
  const env = { ...baseEnv, ...message.set };
  for (const name of message.unset) delete env[name];
  let child;
  try {
    child = spawn(file, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    send({ type: 'error', id, code: error.code, message: error.message });
    return;
  }
  let failed = false;
  let exit;
  child.on('error', (error) => {
    if (child.pid !== undefined) return;
    failed = true;
    children.delete(id);
    send({ type: 'error', id, code: error.code, message: error.message });
  });
  if (child.pid === undefined) return;
  children.set(id, child);
  child.stdout.on('data', (bytes) => send({ type: 'data', id, stream: 'stdout', bytes }));
  child.stderr.on('data', (bytes) => send({ type: 'data', id, stream: 'stderr', bytes }));
  child.on('exit', (code, signal) => {
    exit = { code, signal };
    // Usually both streams end within the same turn: one message then says it all.
    setImmediate(() => {
      if (children.has(id)) send({ type: 'exit', id, code, signal });
    });
  });
  child.on('close', () => {
    children.delete(id);
    if (!failed) send({ type: 'close', id, ...exit });
  });
  send({ type: 'spawned', id, pid: child.pid });
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
 */
export function startSpawner(): ChildProcess {
  if (spawner) return spawner;
  const helper = spawn(process.execPath, ['--max-semi-space-size=1', '-e', SPAWNER_SOURCE], {
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
