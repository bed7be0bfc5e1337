import { readFile, unlink } from 'node:fs/promises';
import { resolve } from 'node:path';
import { completedApplyFiles, stackWorkDir, type Outputs } from '@stackfleet/core';
import { readOutputsFile } from './outputs-file.js';

/**
 * For `resume`: the outputs of a command stack whose apply ended with exit 0
 * in the given run even though stackfleet died before recording it (the
 * process gate wrote the exit status), or undefined when it did not complete.
 */
export async function readCompletedApply(stateDir: string, runId: string, stack: string): Promise<Outputs | undefined> {
  const files = completedApplyFiles(resolve(stackWorkDir(stateDir, runId, stack)), stack);
  let status: string;
  try {
    status = (await readFile(files.exitFile, 'utf8')).trim();
  } catch {
    return undefined;
  }
  if (status !== '0') return undefined;
  return readOutputsFile(stack, files.outputsFile);
}

/**
 * Once a stack's outputs are in the store (stamped with the run, which is
 * what `resume` checks first), the outputs file the command wrote is not
 * needed any more, and it holds every value in clear text, secrets included.
 */
export async function removeCompletedApplyOutputs(workDir: string, stack: string): Promise<void> {
  // `unlink`, not `rm({ force })`: rm walks the path with synchronous lstat calls on the main thread.
  await unlink(completedApplyFiles(resolve(workDir), stack).outputsFile).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
}
