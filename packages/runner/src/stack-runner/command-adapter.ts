import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { resolve } from 'node:path';
import { completedApplyFiles, phaseOutputsFile, StackfleetError, type Phase } from '@stackfleet/core';
import { createPrivateFile } from '../files/create-private-file.js';
import { runHooks } from '../hooks/run-hooks.js';
import { readOutputsFile } from './outputs-file.js';
import { runPhaseProcess } from './run-phase-process.js';
import { runStackCommand, withEnv } from './run-stack-command.js';
import type { StackExecution, StackRunnerAdapter } from './types.js';

/**
 * `runner: command` (SPEC §3, fixed): `sh -c <commands.phase>` in the stack
 * directory with the stack's environment plus `STACKFLEET_PHASE`,
 * `STACKFLEET_STACK`, `STACKFLEET_OUTPUTS` (a fresh file in `workDir`) and
 * `STACKFLEET_RUN_ID`. Plan exits 0 (no changes) or 2 (changes); apply and
 * destroy exit 0. What apply writes to the outputs file is the stack's outputs.
 */
export function createCommandAdapter(): StackRunnerAdapter {
  return {
    hasPlanPhase: (stack) => stack.commands.plan !== undefined,

    async plan(execution) {
      // commands.plan previews an apply; a destroy has no preview: it would run commands.destroy, and without
      // one there is nothing to destroy (whether or not commands.plan is set).
      if (execution.planDestroy) return { hasChanges: execution.stack.commands.destroy !== undefined };
      // Without commands.plan nothing can tell us there is nothing to do, so apply always runs.
      if (execution.stack.commands.plan === undefined) return { hasChanges: true };
      const phase = preparePhase(execution, 'plan');
      await runHooks('beforePlan', phase.execution);
      const result = await runPhase(phase, [0, 2]);
      await runHooks('afterPlan', phase.execution);
      return { hasChanges: result.exitCode === 2 };
    },

    async apply(execution) {
      const phase = preparePhase(execution, 'apply');
      const files = completedApplyFiles(resolve(execution.workDir), execution.stack.name);
      // The outputs file needs no removal: `runPhase` empties it (createPrivateFile) before the apply starts.
      await removeIfPresent(files.exitFile);
      await runHooks('beforeApply', phase.execution);
      // Only the apply process itself records its exit status (not the hooks).
      await runPhase({ ...phase, execution: withEnv(phase.execution, { STACKFLEET_EXIT_FILE: files.exitFile }) }, [0]);
      const outputs = await readOutputsFile(execution.stack.name, phase.outputsFile);
      await runHooks('afterApply', phase.execution);
      return { outputs };
    },

    async destroy(execution) {
      // A command stack that owns nothing destroyable (smoke checks, notifications) has no commands.destroy.
      if (execution.stack.commands.destroy === undefined) {
        execution.onLine('stdout', 'no commands.destroy: nothing to destroy');
        return;
      }
      const phase = preparePhase(execution, 'destroy');
      await runHooks('beforeDestroy', phase.execution);
      await runPhase(phase, [0]);
      await runHooks('afterDestroy', phase.execution);
    },

    runCommand: runStackCommand,
  };
}

interface PreparedPhase {
  phase: Phase;
  command: string;
  outputsFile: string;
  /** The execution with the protocol variables added (hooks see them too). */
  execution: StackExecution;
}

function preparePhase(execution: StackExecution, phase: Phase): PreparedPhase {
  const { stack } = execution;
  const command = stack.commands[phase];
  if (command === undefined) {
    throw new StackfleetError('E_NO_COMMAND', `stack "${stack.name}" has no commands.${phase}`, {
      keyPath: `stacks.${stack.name}.commands.${phase}`,
      hint: `add commands.${phase} to stack "${stack.name}" (a command run with sh -c in its directory)`,
    });
  }
  // Absolute: the command runs in the stack directory, a relative workDir would point elsewhere.
  // Apply's file has a fixed name so that `resume` can find what a completed apply wrote.
  const workDir = resolve(execution.workDir);
  const outputsFile =
    phase === 'apply' ? completedApplyFiles(workDir, stack.name).outputsFile : phaseOutputsFile(workDir, stack.name, phase, randomUUID());
  const protocol = {
    STACKFLEET_PHASE: phase,
    STACKFLEET_STACK: stack.name,
    STACKFLEET_OUTPUTS: outputsFile,
    STACKFLEET_RUN_ID: execution.runId,
  };
  return { phase, command, outputsFile, execution: withEnv(execution, protocol) };
}

async function runPhase(prepared: PreparedPhase, okExitCodes: number[]) {
  await createPrivateFile(prepared.outputsFile);
  prepared.execution.onStep(prepared.phase);
  return runPhaseProcess(prepared.execution, {
    step: prepared.phase,
    argv: ['sh', '-c', prepared.command],
    okExitCodes,
  });
}

/**
 * `unlink`, not `rm({ force })`: rm walks the path with synchronous lstat calls on the main thread.
 * Looked for first: the file is there only when an earlier attempt of this run wrote it.
 */
async function removeIfPresent(file: string): Promise<void> {
  if (!existsSync(file)) return;
  await unlink(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
}
