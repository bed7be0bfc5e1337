import { runPhaseProcess } from './run-phase-process.js';
import type { StackExecution } from './types.js';

/**
 * `stackfleet run -- CMD...` for any runner kind: argv runs as given (no
 * shell) in the stack directory, with `STACKFLEET_STACK` and
 * `STACKFLEET_RUN_ID` added so scripts know where they are.
 */
export async function runStackCommand(execution: StackExecution, argv: string[]): Promise<void> {
  execution.onStep('run');
  await runPhaseProcess(execution, {
    step: 'run',
    argv,
    env: { STACKFLEET_STACK: execution.stack.name, STACKFLEET_RUN_ID: execution.runId },
  });
}

/** A copy of `execution` whose processes also get `env` (adapters never mutate their input). */
export function withEnv(execution: StackExecution, env: Record<string, string>): StackExecution {
  return { ...execution, env: { ...execution.env, ...env } };
}
