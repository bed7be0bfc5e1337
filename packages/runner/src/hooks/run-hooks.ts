import type { HookName } from '@stackfleet/core';
import { runPhaseProcess } from '../stack-runner/run-phase-process.js';
import type { StackExecution } from '../stack-runner/types.js';

/**
 * Runs the stack's `hooks[name]` one after another, each with `sh -c` (the
 * hook is the user's own command line) in the stack directory with the
 * execution's environment plus `STACKFLEET_HOOK`, `STACKFLEET_STACK`,
 * `STACKFLEET_RUN_ID`, the values of its `${{ ... }}` expressions
 * (`ResolvedStack.hookEnv`: never spliced into the command) and `extraEnv`
 * (`afterRun` gets `STACKFLEET_STATUS`). The first failing hook throws
 * `StackPhaseError` (step `hook <name> "<command>"`) and the rest do not run.
 */
export async function runHooks(name: HookName, execution: StackExecution, extraEnv: Record<string, string> = {}): Promise<void> {
  const hooks = execution.stack.hooks[name] ?? [];
  if (hooks.length === 0) return;
  execution.onStep('hooks');
  for (const hook of hooks) {
    await runPhaseProcess(execution, {
      step: `hook ${name} "${hook}"`,
      argv: ['sh', '-c', hook],
      env: {
        ...execution.stack.hookEnv,
        STACKFLEET_HOOK: name,
        STACKFLEET_STACK: execution.stack.name,
        STACKFLEET_RUN_ID: execution.runId,
        ...extraEnv,
      },
    });
  }
}
