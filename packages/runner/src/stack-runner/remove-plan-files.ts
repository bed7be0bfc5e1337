import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Removes the terraform plan files (`*.tfplan`) of a stack's work directory
 * once the stack is done: they hold secrets in clear text and nothing reads
 * them after the stack's phases. The rest of the directory (the command
 * adapter's exit files, which `resume` reads) stays.
 */
export async function removePlanFiles(workDir: string): Promise<void> {
  const names = await readdir(workDir).catch(() => [] as string[]);
  await Promise.all(names.filter((name) => name.endsWith('.tfplan')).map((name) => rm(join(workDir, name), { force: true })));
}
