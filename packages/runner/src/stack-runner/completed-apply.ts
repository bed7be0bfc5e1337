import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Outputs } from '@stackfleet/core';
import { readOutputsFile } from './outputs-file.js';
import { toFileName } from './run-stack-command.js';

/** Where a command stack's apply leaves its outputs and, when it ends, its exit status. */
export function completedApplyFiles(workDir: string, stack: string): { outputsFile: string; exitFile: string } {
  const base = resolve(workDir, `${toFileName(stack)}.apply`);
  return { outputsFile: `${base}.outputs.json`, exitFile: `${base}.exit` };
}

/** The per-run scratch directory the engine gives each stack. */
export function stackWorkDir(stateDir: string, runId: string, stack: string): string {
  return join(stateDir, 'runs', runId, 'work', stack);
}

/**
 * For `resume`: the outputs of a command stack whose apply ended with exit 0
 * in the given run even though stackfleet died before recording it (the
 * process gate wrote the exit status), or undefined when it did not complete.
 */
export async function readCompletedApply(stateDir: string, runId: string, stack: string): Promise<Outputs | undefined> {
  const files = completedApplyFiles(stackWorkDir(stateDir, runId, stack), stack);
  let status: string;
  try {
    status = (await readFile(files.exitFile, 'utf8')).trim();
  } catch {
    return undefined;
  }
  if (status !== '0') return undefined;
  return readOutputsFile(stack, files.outputsFile);
}
