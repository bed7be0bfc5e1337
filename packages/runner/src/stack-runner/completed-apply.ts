import { readFile, unlink } from 'node:fs/promises';
import { resolve } from 'node:path';
import { completedApplyFiles, legacyStackWorkDir, runWorkDir, type Outputs } from '@stackfleet/core';
import { readOutputsFile } from './outputs-file.js';

/**
 * For `resume`: the outputs of a command stack whose apply ended with exit 0
 * in the given run even though stackfleet died before recording it (the
 * process gate wrote the exit status), with the directory they are in, or
 * undefined when it did not complete. Looked for in the run's work
 * directory, then where runs of earlier versions kept a stack's files.
 */
export async function readCompletedApply(stateDir: string, runId: string, stack: string): Promise<{ outputs: Outputs; workDir: string } | undefined> {
  for (const workDir of [runWorkDir(stateDir, runId), legacyStackWorkDir(stateDir, runId, stack)]) {
    const files = completedApplyFiles(resolve(workDir), stack);
    let status: string;
    try {
      status = (await readFile(files.exitFile, 'utf8')).trim();
    } catch {
      continue;
    }
    if (status !== '0') return undefined;
    return { outputs: await readOutputsFile(stack, files.outputsFile), workDir };
  }
  return undefined;
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
