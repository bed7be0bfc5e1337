import { spawn } from 'node:child_process';
import type { PolicyCommandRequest, PolicyCommandResult } from '@stackfleet/core';
import { isTimeoutReason } from '../process/run-process.js';
import { setLongTimeout } from '../timers/set-long-timeout.js';

/** A policy that prints more than this is cut off (and then fails as non-JSON). */
const MAX_OUTPUT_BYTES = 8 * 1024 * 1024;

/**
 * How long after the command exits its stdout and stderr may take to end.
 * What it wrote before it exited is already in the pipes (a pipe holds at
 * most ~64 KiB: a writer blocks until the rest was read) and arrives within
 * this; a pipe still open after it is held by something the command started
 * and that escaped its process group (`setsid`), which is not waited for.
 */
const OUTPUT_GRACE_MS = 200;

/**
 * Runs an `engine: exec` policy: `sh -c COMMAND` in its own process group,
 * the input document on stdin, stdout and stderr collected. The decision is
 * taken when that `sh` exits, not when its pipes close: whatever it leaves
 * in its group (`sleep 20 &`) is killed then, and a pipe held by a process
 * that left the group (`setsid`) is closed after `OUTPUT_GRACE_MS` (such a
 * process is not killed: it is out of reach, as it meant to be).
 *
 * On the timeout the whole group gets SIGKILL and the result is settled at
 * once, whoever holds the pipes: a policy only reads, there is nothing to
 * shut down gracefully. The run's interrupt (`signal`, the first Ctrl-C)
 * sends it SIGINT, as a stack's processes get, and `forceSignal` (the
 * second) SIGKILL; the stack's timeout (a `TimeoutError` abort of `signal`)
 * SIGKILL at once. Resolves for every exit; a command that cannot start
 * (missing cwd) resolves as a failure too, so it denies.
 */
export function runPolicyCommand(request: PolicyCommandRequest): Promise<PolicyCommandResult> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', request.command], {
      cwd: request.cwd,
      env: request.env,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const output = { stdout: [] as Buffer[], stderr: [] as Buffer[], bytes: 0 };
    let timedOut = false;
    let settled = false;
    let exitCode: number | null = null;
    let graceTimer: NodeJS.Timeout | undefined;
    const killGroup = (name: NodeJS.Signals = 'SIGKILL') => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, name);
      } catch {
        // ESRCH: already gone.
      }
    };
    const timer = setLongTimeout(() => {
      timedOut = true;
      killGroup();
      finish(null);
    }, request.timeoutMs);
    // A stack's timeout aborts its signal too: then nothing waits for a graceful end.
    const onAbort = () => killGroup(isTimeoutReason(request.signal?.reason) ? 'SIGKILL' : 'SIGINT');
    const onForce = () => killGroup();
    request.signal?.addEventListener('abort', onAbort);
    request.forceSignal?.addEventListener('abort', onForce);
    function finish(code: number | null, extraStderr = ''): void {
      if (settled) return;
      settled = true;
      timer.clear();
      clearTimeout(graceTimer);
      request.signal?.removeEventListener('abort', onAbort);
      request.forceSignal?.removeEventListener('abort', onForce);
      // A pipe still held open (by a process outside the group) must not keep us, or the CLI, waiting.
      for (const stream of [child.stdin, child.stdout, child.stderr]) stream.destroy();
      resolve({
        exitCode: code,
        stdout: Buffer.concat(output.stdout).toString('utf8'),
        stderr: Buffer.concat(output.stderr).toString('utf8') + extraStderr,
        timedOut,
      });
    }
    for (const stream of ['stdout', 'stderr'] as const) {
      child[stream].on('data', (chunk: Buffer) => {
        output.bytes += chunk.length;
        if (output.bytes > MAX_OUTPUT_BYTES) return killGroup();
        output[stream].push(chunk);
      });
    }
    // A command that does not read its stdin closes the pipe early: not an error.
    child.stdin.on('error', () => undefined);
    child.stdin.end(request.stdin);
    child.on('error', (error) => finish(null, `could not start the policy command: ${error.message}`));
    child.on('exit', (code) => {
      exitCode = code;
      // Whatever the command left running in its group must not outlive it (nor hold its pipes).
      killGroup();
      timer.clear();
      // The grace timer runs before the poll phase that reads the pipes: after a busy
      // turn of the event loop, setImmediate lets that phase take what they hold first.
      graceTimer = setTimeout(() => setImmediate(() => finish(exitCode)), OUTPUT_GRACE_MS);
    });
    // Both pipes ended (usually at once after the exit): every byte is read.
    child.on('close', () => finish(exitCode));
    // Interrupted before it started: nothing to shut down.
    if (request.signal?.aborted || request.forceSignal?.aborted) killGroup();
  });
}
