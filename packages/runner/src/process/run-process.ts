import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { StackfleetError } from '@stackfleet/core';
import { canExecute } from './find-executable.js';
import { hasProgramStarted } from './program-started.js';
import { spawnWatched } from './spawn-watched.js';
import { setLongTimeout, type LongTimeout } from '../timers/set-long-timeout.js';

export type OutputStream = 'stdout' | 'stderr';

export interface RunProcessOptions {
  /** Program and arguments; never a shell string built from user data. */
  argv: readonly string[];
  cwd: string;
  /** The complete environment of the child (nothing is inherited implicitly). */
  env: Record<string, string>;
  /**
   * Stops the process. A reason named `TimeoutError` (as from
   * `AbortSignal.timeout`) terminates it: SIGTERM, then SIGKILL after
   * `killGraceMs`. Any other reason is a user interrupt: SIGINT is forwarded
   * and we wait for the process to exit on its own, so terraform can release
   * its state lock.
   */
  signal?: AbortSignal;
  /** Second Ctrl-C: SIGKILL the whole process group at once. */
  forceSignal?: AbortSignal;
  /** Called once per complete line, without the line ending. */
  onLine?: (stream: OutputStream, line: string) => void;
  /** Terminates like a `TimeoutError` abort once elapsed. */
  timeoutMs?: number;
  /** Time between SIGTERM and SIGKILL on timeouts. @default 10000 */
  killGraceMs?: number;
  /**
   * Collect stdout into `ProcessResult.stdout` instead of passing its lines to
   * `onLine` (for machine output such as `terraform show -json`). @default false
   */
  captureStdout?: boolean;
}

export interface ProcessResult {
  /** Null when the process was ended by a signal (or never started). */
  exitCode: number | null;
  signal: string | null;
  /** Terminated because of a timeout. */
  timedOut: boolean;
  /** Stopped by a user interrupt (the process may still have exited 0). */
  interrupted: boolean;
  /** Only with `captureStdout`. */
  stdout?: string;
}

const DEFAULT_KILL_GRACE_MS = 10_000;

/**
 * Runs one program in its own process group and resolves when it and its
 * output streams are done. Whatever is left in the group after the program
 * exits (backgrounded children) is terminated, so nothing is orphaned.
 * Resolves for any exit code; rejects only when the program cannot start.
 */
export function runProcess(options: RunProcessOptions): Promise<ProcessResult> {
  const { argv, signal, forceSignal } = options;
  const [program] = argv;
  if (program === undefined) return Promise.reject(new Error('runProcess: argv is empty'));
  const timedOutBySignal = signal?.aborted === true && isTimeoutReason(signal.reason);
  if (signal?.aborted || forceSignal?.aborted) {
    return Promise.resolve({ exitCode: null, signal: null, timedOut: timedOutBySignal, interrupted: !timedOutBySignal });
  }
  const graceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;

  if (!canExecute(program, options.env.PATH, options.cwd)) {
    return Promise.reject(spawnFailed(program, Object.assign(new Error(`spawn ${program} ENOENT`), { code: 'ENOENT' })));
  }

  return new Promise((resolve, reject) => {
    const child = spawnWatched(argv, { cwd: options.cwd, env: options.env });
    let timedOut = false;
    let interrupted = false;
    let exited = false;
    let exit: { code: number | null; signal: string | null } = { code: null, signal: null };
    const timers: NodeJS.Timeout[] = [];
    let timeout: LongTimeout | undefined;
    const stdoutChunks: string[] = [];

    // What was asked for before the spawner reported the pid is done, in order, the moment it does.
    const pending: Array<() => void> = [];
    const killGroup = (name: NodeJS.Signals): void => {
      if (child.pid === undefined) {
        pending.push(() => killGroup(name));
        return;
      }
      try {
        process.kill(-child.pid, name);
      } catch {
        // ESRCH: the group is already gone.
      }
    };
    // A Ctrl-C while the gate is still starting the program would be lost (the gate's
    // shell catches SIGINT until it has forked the program); a program that has not
    // started has nothing to clean up, so the group is stopped for good instead.
    const interrupt = (): void => {
      if (child.pid === undefined) {
        pending.push(interrupt);
        return;
      }
      killGroup(hasProgramStarted(child.pid) ? 'SIGINT' : 'SIGKILL');
    };
    const terminate = (): void => {
      if (timedOut || exited) return;
      timedOut = true;
      killGroup('SIGTERM');
      timers.push(setTimeout(() => killGroup('SIGKILL'), graceMs));
    };
    const onAbort = (): void => {
      if (isTimeoutReason(signal?.reason)) return terminate();
      if (interrupted || exited) return;
      interrupted = true;
      interrupt();
    };
    const onForce = (): void => killGroup('SIGKILL');
    const cleanup = (): void => {
      for (const timer of timers) clearTimeout(timer);
      timeout?.clear();
      signal?.removeEventListener('abort', onAbort);
      forceSignal?.removeEventListener('abort', onForce);
    };

    signal?.addEventListener('abort', onAbort);
    forceSignal?.addEventListener('abort', onForce);
    if (options.timeoutMs !== undefined) timeout = setLongTimeout(terminate, options.timeoutMs);

    child.on('output', (stream: OutputStream, readable: Readable) => {
      if (stream === 'stdout' && options.captureStdout) {
        readable.setEncoding('utf8');
        readable.on('data', (chunk: string) => stdoutChunks.push(chunk));
        return;
      }
      // Masking relies on whole lines, however the chunks split them. readline keeps
      // the unfinished tail until the next chunk or the end, treats `\r\n` split across
      // chunks as one break (crlfDelay: Infinity) and a lone `\r` as a break too (a
      // progress bar's redraw becomes one line each); it decodes UTF-8 across chunks.
      // It also stays linear on a single huge line, where the splitter it replaced
      // rescanned the whole pending text on every chunk.
      createInterface({ input: readable, crlfDelay: Infinity }).on('line', (line) => options.onLine?.(stream, line));
    });

    child.on('spawn', () => {
      for (const action of pending.splice(0)) action();
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      cleanup();
      reject(spawnFailed(program, error));
    });
    child.on('exit', (code: number | null, exitSignal: NodeJS.Signals | null) => {
      exited = true;
      exit = { code, signal: exitSignal };
      // Leftovers in the group (e.g. `sleep &`) would keep our pipes open and outlive the run.
      // After a forwarded Ctrl-C the one that exited may be the recording gate, while the
      // program still shuts down gracefully: give the group the grace period first.
      const ending = () => {
        killGroup('SIGTERM');
        timers.push(setTimeout(() => killGroup('SIGKILL'), graceMs));
      };
      if (interrupted) timers.push(setTimeout(ending, graceMs));
      else ending();
    });
    child.on('close', () => {
      cleanup();
      resolve({
        exitCode: exit.code,
        signal: exit.signal,
        timedOut,
        interrupted,
        ...(options.captureStdout ? { stdout: stdoutChunks.join('') } : {}),
      });
    });
  });
}

function spawnFailed(program: string, error: NodeJS.ErrnoException): StackfleetError {
  // A stack's failure shows only the message: what E2BIG means goes there, the fix in the hint too.
  const why = error.code === 'E2BIG' ? `: the stack's environment is too large for the operating system (${E2BIG_LIMITS})` : '';
  return new StackfleetError('E_SPAWN_FAILED', `could not start "${program}": ${error.code ?? error.message}${why}`, {
    hint: error.code === 'ENOENT' ? `install "${program}" or add it to PATH` : error.code === 'E2BIG' ? E2BIG_FIX : undefined,
    cause: error,
  });
}

// Linux refuses any one environment variable over 128 KiB (MAX_ARG_STRLEN), and all of them together
// over a quarter of the stack limit: an upstream output or a file read into a variable is the usual cause.
const E2BIG_LIMITS = 'one variable over 128 KiB, or all of them over ~2 MB';
const E2BIG_FIX = 'pass large values through a file the stack reads (e.g. an upstream output written to a file) instead of an environment variable';

export function isTimeoutReason(reason: unknown): boolean {
  return reason instanceof Error ? reason.name === 'TimeoutError' : (reason as { name?: unknown } | null)?.name === 'TimeoutError';
}
