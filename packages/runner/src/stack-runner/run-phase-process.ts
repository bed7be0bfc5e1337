import { runProcess, type ProcessResult } from '../process/run-process.js';
import { StackPhaseError } from './stack-phase-error.js';
import type { StackExecution } from './types.js';

export interface RunPhaseProcessOptions {
  /** Names the process in errors: `plan`, `init`, `hook beforePlan`, ... */
  step: string;
  argv: readonly string[];
  /** Environment additions on top of `execution.env` (never mutates it). */
  env?: Record<string, string>;
  /** Exit codes that are not failures. @default [0] */
  okExitCodes?: readonly number[];
  captureStdout?: boolean;
}

/**
 * Runs one process of a stack phase in the stack's directory, wired to the
 * execution's signals and line callback; throws `StackPhaseError` unless it
 * exits with an accepted code. An interrupted process is a failure even when
 * it exits 0: the phase did not finish what it was asked to do.
 */
export async function runPhaseProcess(
  execution: StackExecution,
  options: RunPhaseProcessOptions,
): Promise<ProcessResult & { exitCode: number }> {
  const result = await runProcess({
    argv: options.argv,
    cwd: execution.stack.dir,
    env: { ...execution.env, ...options.env },
    signal: execution.signal,
    forceSignal: execution.forceSignal,
    onLine: execution.onLine,
    captureStdout: options.captureStdout,
  });
  const ok = options.okExitCodes ?? [0];
  if (result.exitCode === null || !ok.includes(result.exitCode) || result.interrupted || result.timedOut) {
    throw new StackPhaseError(execution.stack.name, options.step, result, execution.stack.timeoutMs);
  }
  return { ...result, exitCode: result.exitCode };
}
