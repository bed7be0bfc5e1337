import type { RetentionSettings } from '@stackfleet/core';
import type { CommandContext } from '../command-context.js';
import { writeLine } from '../io.js';
import type { Fleet } from '../manifest/read-manifest.js';
import { openStore } from '../runtime/open-runtime.js';

/** `settings.retention` when the manifest sets none (saved plans expire by its age too). */
export const DEFAULT_RETENTION: RetentionSettings = { ageMs: 7 * 86_400_000, runs: 200 };

export interface GarbageReport {
  runs: string[];
  planFiles: string[];
  /** Plan files the store kept (sealed) for saved plans past `settings.retention.age`; their records stay. */
  storedPlanFiles: number;
  checkouts: string[];
  /** Old checkouts kept because they hold terraform state. */
  keptCheckouts: string[];
}

/** `stackfleet gc [--dry-run]`: applies settings.retention to the state directory and says what went. */
export async function runGcCommand(context: CommandContext, options: { dryRun?: boolean }): Promise<number> {
  const fleet = context.readFleet();
  const report = await collectGarbage(context, fleet, { dryRun: Boolean(options.dryRun) });
  if (context.global.json) {
    writeLine(context.io.stdout, JSON.stringify(report));
    return 0;
  }
  const verb = options.dryRun ? 'would remove' : 'removed';
  const out = context.io.stdout;
  const stored = report.storedPlanFiles > 0 ? `, ${report.storedPlanFiles} plan file(s) kept in the store` : '';
  writeLine(out, `${verb} ${report.runs.length} run log director${report.runs.length === 1 ? 'y' : 'ies'}, ${report.planFiles.length} plan file(s)${stored}, ${report.checkouts.length} repo checkout(s)`);
  for (const run of report.runs) writeLine(out, `  run ${run}`);
  for (const file of report.planFiles) writeLine(out, `  plan file ${file}`);
  for (const dir of report.checkouts) writeLine(out, `  checkout ${dir}`);
  for (const dir of report.keptCheckouts) writeLine(out, `kept old checkout ${dir}: it holds terraform state; move that state into the repo's checkout, then remove it`);
  return 0;
}

/**
 * A run finished by another process just before a cleanup's `now` may not be
 * in what it listed yet (or carries another host's clock): the next cleanup
 * sweeps runs finished this long before the marker again. Each run swept
 * again costs a directory read per stack, so the margin stays short.
 */
const FINISH_MARGIN_MS = 2 * 60_000;

/**
 * Per-sha checkouts are what earlier versions made; none are created any
 * more, they only age. The cleanup after a run looks for them once a day.
 */
const CHECKOUT_SCAN_INTERVAL_MS = 86_400_000;

/**
 * The cleanup after every run: bounded (a few run directories at most), so a
 * long-neglected state directory is worked down over several runs instead of
 * delaying one. It costs what it removes, not what is kept: leftover plan
 * files are looked for only in runs finished since the last cleanup, old
 * checkouts once a day (`<stateDir>/gc.json`); `stackfleet gc` looks
 * everywhere. Never fails the run; prints one line when it removed anything.
 * `executed`: the new runs this process just executed to their end (not one
 * it continued; both runs of an apply that planned first), whose work
 * directories need no look.
 */
export async function cleanUpAfterRun(context: CommandContext, fleet: Fleet, ...executed: { runId: string }[]): Promise<void> {
  try {
    const report = await collectGarbage(context, fleet, { dryRun: false, maxRemovals: 20, afterRun: true, executed });
    const planFiles = report.planFiles.length + report.storedPlanFiles;
    const total = report.runs.length + planFiles + report.checkouts.length;
    if (total > 0) {
      context.note(`gc: removed ${report.runs.length} old run(s), ${planFiles} plan file(s), ${report.checkouts.length} checkout(s) (settings.retention)`);
    }
  } catch (error) {
    context.note(`warning: cleanup of old runs failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function collectGarbage(
  context: CommandContext,
  fleet: Fleet,
  options: { dryRun: boolean; maxRemovals?: number; afterRun?: boolean; executed?: readonly { runId: string }[] },
): Promise<GarbageReport> {
  const [{ readGcMarker, removeOldRuns, writeGcMarker }, { removeOldCheckouts }] = await Promise.all([import('@stackfleet/runner'), import('@stackfleet/vcs')]);
  const retention = fleet.loaded.manifest.settings.retention ?? DEFAULT_RETENTION;
  const stateDir = fleet.stateDir;
  const now = new Date();
  const marker = await readGcMarker(stateDir);
  const sweptAt = options.afterRun && marker.planFilesSweptAt !== undefined ? Date.parse(marker.planFilesSweptAt) : undefined;
  const scannedAt = options.afterRun && marker.checkoutsScannedAt !== undefined ? Date.parse(marker.checkoutsScannedAt) : undefined;
  const scanCheckouts = scannedAt === undefined || now.getTime() - scannedAt >= CHECKOUT_SCAN_INTERVAL_MS;
  const store = openStore(fleet, context.io.env);
  try {
    // Only what retention needs: decoding every kept run's stack list costs more than the rest of the cleanup.
    const runs = store.listRunHeaders ? await store.listRunHeaders() : await store.listRuns();
    const planFilesFinishedSince = sweptAt === undefined ? undefined : new Date(sweptAt - FINISH_MARGIN_MS);
    // A new run executed here to its end removed its plan files stack by stack (not so a
    // run continued here: an earlier attempt cut short may have left some).
    const planFilesRemovedIn = new Set((options.executed ?? []).map((run) => run.runId));
    const removed = await removeOldRuns({ stateDir, runs, retention, now, planFilesFinishedSince, planFilesRemovedIn, dryRun: options.dryRun, maxRemovals: options.maxRemovals });
    const cutoff = new Date(now.getTime() - retention.ageMs);
    // Expired saved plans cannot be applied any more (E_PLAN_EXPIRED): the secrets in their files go.
    const storedPlanFiles = await store.clearSavedPlanFiles(cutoff.toISOString(), { dryRun: options.dryRun });
    const checkouts = scanCheckouts ? await removeOldCheckouts({ stateDir, olderThan: cutoff, dryRun: options.dryRun }) : { removed: [], kept: [] };
    if (!options.dryRun) {
      await writeGcMarker(stateDir, { planFilesSweptAt: now.toISOString(), checkoutsScannedAt: scanCheckouts ? now.toISOString() : marker.checkoutsScannedAt });
    }
    return { ...removed, storedPlanFiles, checkouts: checkouts.removed, keptCheckouts: checkouts.kept };
  } finally {
    await store.close();
  }
}
