import { lstat, mkdir, open, readFile, realpath, rm, rmdir } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { StackfleetError } from '@stackfleet/core';
import { hashContent, removeLeftoverFiles, writeFilesLedger } from './files-ledger.js';

export interface WriteStackFilesOptions {
  /**
   * Where to record what is written, before writing it (under the state
   * directory). Files a killed run left there are removed first, so they
   * never block the stack; without a ledger they would read as the user's.
   */
  ledgerPath?: string;
}

/**
 * Writes the stack's context `files` into its directory for the run and
 * returns the cleanup that removes exactly what was written (files and the
 * directories created for them), never anything that was there before.
 * Callers run the cleanup in `finally`, so a failed phase leaves nothing.
 *
 * A path that leaves `dir` is refused (`E_FILE_OUTSIDE_STACK`), and so is a
 * path where a different file already exists (`E_FILE_EXISTS`): overwriting
 * it would destroy the user's file. An identical file is left alone.
 * With a ledger, files that a killed run wrote are first removed (see
 * files-ledger.ts), so only the user's own files ever conflict.
 */
export async function writeStackFiles(
  dir: string,
  files: Record<string, string>,
  options: WriteStackFilesOptions = {},
): Promise<() => Promise<void>> {
  const { ledgerPath } = options;
  if (ledgerPath) await removeLeftoverFiles(ledgerPath);
  if (Object.keys(files).length === 0) return async () => undefined;
  const root = await realpath(dir);
  const written: Array<{ path: string; sha256: string }> = [];
  const createdDirs: string[] = [];
  const record = async (entries: Array<{ path: string; sha256: string }>): Promise<void> => {
    if (ledgerPath) await writeFilesLedger(ledgerPath, { pid: process.pid, files: entries, dirs: createdDirs });
  };
  const cleanup = async (): Promise<void> => {
    await Promise.all(written.map((file) => rm(file.path, { force: true })));
    // Deepest first; rmdir (not rm -r) so anything else put there survives.
    for (const created of [...createdDirs].reverse()) await rmdir(created).catch(() => undefined);
    if (ledgerPath) await rm(ledgerPath, { force: true });
  };
  try {
    for (const [name, content] of Object.entries(files)) {
      const path = await resolveInside(root, name);
      createdDirs.push(...(await makeParents(root, dirname(path))));
      const entry = { path, sha256: hashContent(content) };
      // Recorded before the write, so a kill right after it still leaves a trail.
      await record([...written, entry]);
      if (await writeNewFile(path, name, content, dir)) written.push(entry);
    }
    // The identical files we left alone are not ours to remove later.
    await record(written);
  } catch (error) {
    await cleanup();
    throw error;
  }
  return cleanup;
}

async function resolveInside(root: string, name: string): Promise<string> {
  const path = resolve(root, name);
  const inside = (target: string): boolean => {
    const rel = relative(root, target);
    return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
  };
  // Resolve symlinks of the nearest existing ancestor: `link/new/file` must not write through a link that points out.
  const ancestor = await realpath(await nearestExisting(dirname(path)));
  if (!inside(path) || (ancestor !== root && !inside(ancestor))) {
    throw new StackfleetError('E_FILE_OUTSIDE_STACK', `file "${name}" would be written outside the stack directory "${root}"`, {
      hint: 'use a path relative to the stack directory without ".." (files are written into the stack)',
    });
  }
  return path;
}

async function nearestExisting(path: string): Promise<string> {
  let current = path;
  while (!(await lstat(current).then(() => true, () => false))) current = dirname(current);
  return current;
}

/** Creates missing parent directories and returns those it created, outermost first. */
async function makeParents(root: string, parent: string): Promise<string[]> {
  const missing: string[] = [];
  for (let current = parent; current !== root; current = dirname(current)) {
    const exists = await lstat(current).then(() => true, () => false);
    if (exists) break;
    missing.unshift(current);
  }
  if (missing.length > 0) await mkdir(parent, { recursive: true });
  return missing;
}

/**
 * Writes a file that must not exist yet; returns false when an identical file
 * is already there (committed by the user, or left by a killed run), which we
 * neither overwrite nor remove.
 */
async function writeNewFile(path: string, name: string, content: string, dir: string): Promise<boolean> {
  let handle;
  try {
    // `wx` fails if anything exists there, atomically: no check-then-write race.
    // 0600: context files often carry credentials (backend configs, tokens).
    handle = await open(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      if ((await readFile(path, 'utf8').catch(() => undefined)) === content) return false;
      throw new StackfleetError('E_FILE_EXISTS', `file "${name}" already exists in "${dir}"; stackfleet will not overwrite it`, {
        hint: `remove or rename "${join(dir, name)}", or change the name in the context's files`,
      });
    }
    throw error;
  }
  try {
    await handle.writeFile(content);
  } finally {
    await handle.close();
  }
  return true;
}
