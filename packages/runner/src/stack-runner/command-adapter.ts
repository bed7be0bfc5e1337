import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { StackfleetError, type Outputs, type Phase } from '@stackfleet/core';
import { runHooks } from '../hooks/run-hooks.js';
import { runPhaseProcess } from './run-phase-process.js';
import { runStackCommand, toFileName, withEnv } from './run-stack-command.js';
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
      await runHooks('beforeApply', phase.execution);
      await runPhase(phase, [0]);
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
  const outputsFile = resolve(execution.workDir, `${toFileName(stack.name)}.${phase}.${randomUUID()}.outputs.json`);
  const protocol = {
    STACKFLEET_PHASE: phase,
    STACKFLEET_STACK: stack.name,
    STACKFLEET_OUTPUTS: outputsFile,
    STACKFLEET_RUN_ID: execution.runId,
  };
  return { phase, command, outputsFile, execution: withEnv(execution, protocol) };
}

function runPhase(prepared: PreparedPhase, okExitCodes: number[]) {
  prepared.execution.onStep(prepared.phase);
  return runPhaseProcess(prepared.execution, {
    step: prepared.phase,
    argv: ['sh', '-c', prepared.command],
    okExitCodes,
  });
}

/** No file means no outputs; anything but one JSON object is the stack's bug, so say which file. */
async function readOutputsFile(stack: string, file: string): Promise<Outputs> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  if (text.trim() === '') return {};
  return parseOutputsJson(stack, file, text);
}

/** Parses the `STACKFLEET_OUTPUTS` file: one JSON object, every value non-sensitive. */
export function parseOutputsJson(stack: string, file: string, text: string): Outputs {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw invalidOutputs(stack, file, `is not valid JSON (${(error as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw invalidOutputs(stack, file, `must hold one JSON object, got ${Array.isArray(parsed) ? 'an array' : typeof parsed === 'object' ? 'null' : typeof parsed}`);
  }
  return Object.fromEntries(Object.entries(parsed).map(([name, value]) => [name, { value, sensitive: false }]));
}

function invalidOutputs(stack: string, file: string, what: string): StackfleetError {
  return new StackfleetError('E_OUTPUTS_INVALID', `stack "${stack}": outputs file "${file}" ${what}`, {
    hint: 'write one JSON object to "$STACKFLEET_OUTPUTS", e.g. echo \'{"url": "https://..."}\' > "$STACKFLEET_OUTPUTS"',
  });
}
