import { spawn } from 'node:child_process';
import type { PolicyCommandRequest, PolicyCommandResult } from '@stackfleet/core';
import { isTimeoutReason } from '../process/run-process.js';
import { setLongTimeout } from '../timers/set-long-timeout.js';

/** A policy that prints more than this is cut off (and then fails as non-JSON). */
const MAX_OUTPUT_BYTES = 8 * 1024 * 1024;

/**
 * Runs an `engine: exec` policy: `sh -c COMMAND` in its own process group,
 * the input document on stdin, stdout and stderr collected. On the timeout
 * the whole group gets SIGKILL: a policy only reads, there is nothing to shut
 * down gracefully. The run's interrupt (`signal`, the first Ctrl-C) sends it
 * SIGINT, as a stack's processes get, and `forceSignal` (the second) SIGKILL;
 * the stack's timeout (a `TimeoutError` abort of `signal`) SIGKILL at once.
 * Resolves for every exit; a command that cannot start (missing cwd)
 * resolves as a failure too, so it denies.
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
    }, request.timeoutMs);
    // A stack's timeout aborts its signal too: then nothing waits for a graceful end.
    const onAbort = () => killGroup(isTimeoutReason(request.signal?.reason) ? 'SIGKILL' : 'SIGINT');
    const onForce = () => killGroup();
    request.signal?.addEventListener('abort', onAbort);
    request.forceSignal?.addEventListener('abort', onForce);
    const finish = (exitCode: number | null, extraStderr = '') => {
      if (settled) return;
      settled = true;
      timer.clear();
      request.signal?.removeEventListener('abort', onAbort);
      request.forceSignal?.removeEventListener('abort', onForce);
      resolve({
        exitCode,
        stdout: Buffer.concat(output.stdout).toString('utf8'),
        stderr: Buffer.concat(output.stderr).toString('utf8') + extraStderr,
        timedOut,
      });
    };
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
    child.on('close', (code) => {
      // Whatever the command left running in its group must not outlive it.
      killGroup();
      finish(code);
    });
    // Interrupted before it started: nothing to shut down.
    if (request.signal?.aborted || request.forceSignal?.aborted) killGroup();
  });
}
