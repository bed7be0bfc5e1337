import { spawn } from 'node:child_process';
import type { PolicyCommandRequest, PolicyCommandResult } from '@stackfleet/core';
import { setLongTimeout } from '../timers/set-long-timeout.js';

/** A policy that prints more than this is cut off (and then fails as non-JSON). */
const MAX_OUTPUT_BYTES = 8 * 1024 * 1024;

/**
 * Runs an `engine: exec` policy: `sh -c COMMAND` in its own process group,
 * the input document on stdin, stdout and stderr collected. On the timeout
 * or an abort the whole group gets SIGKILL: a policy only reads, there is
 * nothing to shut down gracefully. Resolves for every exit; a command that
 * cannot start (missing cwd) resolves as a failure too, so it denies.
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
    const killGroup = () => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // ESRCH: already gone.
      }
    };
    const timer = setLongTimeout(() => {
      timedOut = true;
      killGroup();
    }, request.timeoutMs);
    const onAbort = () => killGroup();
    request.signal?.addEventListener('abort', onAbort);
    const finish = (exitCode: number | null, extraStderr = '') => {
      if (settled) return;
      settled = true;
      timer.clear();
      request.signal?.removeEventListener('abort', onAbort);
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
    if (request.signal?.aborted) killGroup();
  });
}
