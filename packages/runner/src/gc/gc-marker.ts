import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { gcMarkerPath } from '@stackfleet/core';

/**
 * What the cleanup after a run need not look at again (`<stateDir>/gc.json`):
 * without it, every run would list the work directory of every stack of
 * every kept run (200 runs of 500 stacks: 100,000 directory reads per apply).
 */
export interface GcMarker {
  /** ISO 8601: every run finished before then (less a margin) was swept of leftover plan files. */
  planFilesSweptAt?: string;
  /** ISO 8601: when old repo checkouts (`<stateDir>/worktrees/`) were last looked for. */
  checkoutsScannedAt?: string;
}

/** The marker, or `{}` when there is none or it cannot be read (then the cleanup does the full job once). */
export async function readGcMarker(stateDir: string): Promise<GcMarker> {
  const text = await readFile(gcMarkerPath(stateDir), 'utf8').catch(() => undefined);
  if (text === undefined) return {};
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return {};
    const { planFilesSweptAt, checkoutsScannedAt } = parsed as Record<string, unknown>;
    return {
      ...(isIsoTime(planFilesSweptAt) ? { planFilesSweptAt } : {}),
      ...(isIsoTime(checkoutsScannedAt) ? { checkoutsScannedAt } : {}),
    };
  } catch {
    // Cut short by a kill mid-write: trust nothing in it.
    return {};
  }
}

/**
 * Written to a temp name and renamed, 0600 like the rest of the state
 * directory. Concurrent cleanups may overwrite each other: each value is true
 * of the sweep that wrote it, so whichever lands last is still right.
 */
export async function writeGcMarker(stateDir: string, marker: GcMarker): Promise<void> {
  const path = gcMarkerPath(stateDir);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(marker)}\n`, { mode: 0o600 });
  await rename(temp, path);
}

function isIsoTime(value: unknown): value is string {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value));
}
