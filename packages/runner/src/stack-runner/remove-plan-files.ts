import { rm } from 'node:fs/promises';
import { terraformPlanFile } from '@stackfleet/core';

/**
 * Removes a stack's terraform plan file from the run's work directory once
 * the stack is done: it holds secrets in clear text and nothing reads it
 * after the stack's phases. (Saved plans live in `plans/`, not here.) The
 * rest stays: the command adapter's exit files, which `resume` reads.
 */
export async function removePlanFiles(workDir: string, stack: string): Promise<void> {
  await rm(terraformPlanFile(workDir, stack), { force: true });
}
