import { formatDuration, StackfleetError } from '@stackfleet/core';
import type { ProcessResult } from '../process/run-process.js';
import type { StackProcessFailure } from './types.js';

/**
 * A stack's process (a phase, a hook, `run -- CMD`) failed. `failure` carries
 * what the engine needs for retries and reporting; the message is what the
 * user reads, e.g. `plan exited with code 1` or `apply timed out after 30m`.
 */
export class StackPhaseError extends StackfleetError {
  readonly stackName: string;
  /** What ran: `plan`, `apply`, `init`, `hook beforePlan`, `run`, ... */
  readonly step: string;
  readonly failure: StackProcessFailure;
  /** Stopped by a user interrupt rather than failing on its own. */
  readonly interrupted: boolean;

  constructor(stack: string, step: string, result: ProcessResult, timeoutMs?: number) {
    super('E_STACK_FAILED', `${step} ${describeFailure(result, timeoutMs)}`, {
      hint: result.timedOut ? `raise stacks.${stack}.timeout if the stack needs more time` : undefined,
    });
    this.name = 'StackPhaseError';
    this.stackName = stack;
    this.step = step;
    this.failure = { exitCode: result.exitCode, signal: result.signal, timedOut: result.timedOut };
    this.interrupted = result.interrupted;
  }
}

function describeFailure(result: ProcessResult, timeoutMs: number | undefined): string {
  if (result.timedOut) return timeoutMs === undefined ? 'timed out' : `timed out after ${formatDuration(timeoutMs)}`;
  if (result.interrupted) return 'was interrupted';
  if (result.exitCode !== null) return `exited with code ${result.exitCode}`;
  if (result.signal !== null) return `was killed by ${result.signal}`;
  return 'did not run';
}
