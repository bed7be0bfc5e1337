import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * What stackfleet wrote into a stack directory, recorded before writing so a
 * run killed between writing and cleaning up leaves a trail: the next run (or
 * `resume`) removes exactly those files, and only while they still hold what
 * was written. A file the user changed since is theirs again.
 */
export interface FilesLedger {
  /** The process that wrote the files; while it is alive, they are in use. */
  pid: number;
  files: Array<{ path: string; sha256: string }>;
  /** Directories created for the files, outermost first. */
  dirs: string[];
}

export function hashContent(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

export async function readFilesLedger(path: string): Promise<FilesLedger | undefined> {
  // Every stack looks for one before it starts and almost never finds one: one stat, not a failed open
  // in the thread pool with an error to build (issue #17, per-stack overhead).
  if (!existsSync(path)) return undefined;
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as FilesLedger;
  } catch {
    // A ledger cut short by a kill mid-write records nothing we can trust.
    return undefined;
  }
}

/** Written to a temp name and renamed, so a kill never leaves half a ledger. */
export async function writeFilesLedger(path: string, ledger: FilesLedger): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify(ledger), { mode: 0o600 });
  await rename(temp, path);
}

/**
 * Removes what a dead run left behind: each recorded file whose content is
 * still what stackfleet wrote, then the directories it created (when empty).
 * Files of a live process (another run of the stack) are left alone.
 */
export async function removeLeftoverFiles(ledgerPath: string): Promise<void> {
  const ledger = await readFilesLedger(ledgerPath);
  if (!ledger) return;
  if (ledger.pid !== process.pid && isAlive(ledger.pid)) return;
  for (const file of ledger.files) {
    const content = await readFile(file.path).catch(() => undefined);
    if (content !== undefined && hashContent(content) === file.sha256) await rm(file.path, { force: true });
  }
  for (const created of [...ledger.dirs].reverse()) await rmdir(created).catch(() => undefined);
  await rm(ledgerPath, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
