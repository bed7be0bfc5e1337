import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { runsDir as runsDirOf, type RunHeader, type RetentionSettings } from '@stackfleet/core';

export interface RemoveOldRunsOptions {
  stateDir: string;
  /** Every run, newest first (as `Store.listRunHeaders` and `Store.listRuns` return them). */
  runs: readonly RunHeader[];
  retention: RetentionSettings;
  now: Date;
  /** Stop after removing this many run directories (the cleanup after a run stays short). */
  maxRemovals?: number;
  /** Only say what would go. */
  dryRun?: boolean;
  /**
   * Look for leftover plan files only in kept runs finished at or after this
   * (the cleanup after a run, from its gc marker). The runner removes a
   * stack's plan files when the stack ends, so only a run cut short and
   * finished later can hold one, and it holds it from its finish on. Absent:
   * every kept run's work directories are listed (`stackfleet gc`).
   */
  planFilesFinishedSince?: Date;
  /**
   * Runs whose plan files need no look (the cleanup right after runs this
   * process executed to their end: every stack removed its own plan files
   * when it ended). Listing a 500-stack run's work directories cost ~25 ms
   * after every run.
   */
  planFilesRemovedIn?: ReadonlySet<string>;
}

export interface RemovedRuns {
  /** Run directories removed (logs, work files), by run id. */
  runs: string[];
  /** Plan files removed from the runs that were kept. */
  planFiles: string[];
}

/**
 * Removes `<stateDir>/runs/<id>/` of finished runs past the retention (older
 * than `ageMs`, or beyond the newest `runs`), directories no record knows once
 * they are that old, and any terraform plan file a finished run left (they
 * hold secrets in clear text). Running and interrupted runs are never
 * touched: `resume` needs their work files.
 */
export async function removeOldRuns(options: RemoveOldRunsOptions): Promise<RemovedRuns> {
  const runsDir = runsDirOf(options.stateDir);
  const names = (await readdir(runsDir).catch(() => [] as string[])).sort();
  const records = new Map(options.runs.map((run) => [run.id, run]));
  const finished = options.runs.filter((run) => isFinished(run));
  const beyondCount = new Set(finished.slice(options.retention.runs).map((run) => run.id));
  const cutoff = options.now.getTime() - options.retention.ageMs;
  const removed: RemovedRuns = { runs: [], planFiles: [] };
  for (const name of names) {
    const dir = join(runsDir, name);
    const record = records.get(name);
    if (record && !isFinished(record)) continue;
    const startedAt = record ? Date.parse(record.startedAt) : (await stat(dir)).mtimeMs;
    if (beyondCount.has(name) || startedAt < cutoff) {
      if (removed.runs.length >= (options.maxRemovals ?? Infinity)) continue;
      if (!options.dryRun) await rm(dir, { recursive: true, force: true });
      removed.runs.push(name);
    } else if (record && finishedSince(record, options.planFilesFinishedSince) && !options.planFilesRemovedIn?.has(name)) {
      removed.planFiles.push(...(await removePlanFilesOfRun(dir, options.dryRun ?? false)));
    }
  }
  return removed;
}

/** Running, interrupted and crashed runs are still resumable: their directories stay. */
function isFinished(run: RunHeader): boolean {
  return run.status !== 'running' && run.status !== 'interrupted' && run.status !== 'crashed';
}

function finishedSince(run: RunHeader, since: Date | undefined): boolean {
  if (since === undefined) return true;
  // A record without its finish time (earlier versions) counts from its start.
  return Date.parse(run.finishedAt ?? run.startedAt) >= since.getTime();
}

/** The run's work directory holds every stack's files; runs of earlier versions had a directory per stack in it. */
async function removePlanFilesOfRun(runDir: string, dryRun: boolean): Promise<string[]> {
  const workDir = join(runDir, 'work');
  const found: string[] = [];
  const remove = async (path: string): Promise<void> => {
    if (!dryRun) await rm(path, { force: true });
    found.push(path);
  };
  for (const entry of await readdir(workDir, { withFileTypes: true }).catch(() => [])) {
    if (!entry.isDirectory()) {
      if (entry.name.endsWith('.tfplan')) await remove(join(workDir, entry.name));
      continue;
    }
    for (const name of await readdir(join(workDir, entry.name)).catch(() => [] as string[])) {
      if (name.endsWith('.tfplan')) await remove(join(workDir, entry.name, name));
    }
  }
  return found;
}
