import { isStackfleetError, type ResumeState, type RunPlan, type Store } from '@stackfleet/core';
import { isStorageFull } from '../engine/engine-run.js';
import { runStacks } from '../engine/run-stacks.js';
import type { RunOptions, RunResult } from '../engine/types.js';
import { createRunId } from './create-run-id.js';
import { readRunHost } from './read-run-host.js';
import { toRunReporter, type RunListener } from './run-reporter.js';

export interface ExecuteRunOptions extends Omit<RunOptions, 'runId' | 'reporters' | 'alreadyDone' | 'refreshOutputs'> {
  /** Who hears the run: reporters or bare listeners, called in this order with masked events. */
  listeners: readonly RunListener[];
  /** The manifest's path, kept in the run record. */
  manifestPath: string;
  /** How the run was asked for (the CLI's flags), kept for `history` and `resume`. @default {} */
  selection?: Record<string, unknown>;
  /** Repository name -> the git sha the run works on. @default {} */
  repoShas?: Record<string, string>;
  /** Continue this earlier run (`buildResumePlan`) instead of starting a new one. */
  resume?: ResumeState;
}

export interface ExecutedRun extends RunResult {
  runId: string;
}

/**
 * Runs a plan from start to end: creates the run record (or reopens the
 * resumed one), executes the stacks with every transition written to the
 * store first, and finishes the record; events go to `listeners`, masked.
 * The one way to run a plan: `drift`, `resume` and the UI come through here.
 *
 * Throws before any stack starts when a secret cannot be read; the run is
 * then recorded `failed` (nothing ran, so there is nothing to resume), and
 * each stack's row says why it never started (`show` prints it).
 */
export async function executeRunPlan(plan: RunPlan, options: ExecuteRunOptions): Promise<ExecutedRun> {
  const { listeners, manifestPath, selection, repoShas, resume, ...engine } = options;
  const now = options.now ?? (() => new Date());
  const runId = resume?.runId ?? createRunId(now());
  const { host, startedBy } = readRunHost();
  const reporters = listeners.map(toRunReporter);
  try {
    if (resume) {
      await options.store.reopenRun?.(runId, { host, pid: process.pid });
    } else {
      await options.store.createRun({
        id: runId,
        command: plan.command,
        selection: {
          ...selection,
          ...(options.runCommand ? { runCommand: options.runCommand } : {}),
          ...(options.savePlans ? { save: true } : {}),
          ...(options.fromPlan ? { fromPlan: options.fromPlan.runId } : {}),
        },
        stacks: plan.stacks.map((stack) => stack.name),
        startedBy,
        host,
        pid: process.pid,
        repoShas: repoShas ?? {},
        manifestPath,
        startedAt: now().toISOString(),
        status: 'running',
      });
    }
    const result = await runStacks(plan, {
      ...engine,
      runId,
      reporters,
      repoShas: repoShas ?? {},
      ...(resume ? { alreadyDone: resume.alreadyDone, refreshOutputs: resume.refreshOutputs } : {}),
    });
    // runStacks recorded the run's end before it emitted run.finished.
    return { ...result, runId };
  } catch (error) {
    // A full disk stopped the run, which recorded itself interrupted (resumable) if it could: its pending stacks stay pending.
    if (!isStorageFull(error)) {
      const at = now().toISOString();
      await recordNotStarted(options.store, runId, plan, error, at).catch(() => undefined);
      await options.store.finishRun(runId, 'failed', at).catch(() => undefined);
    }
    throw error;
  } finally {
    await Promise.allSettled(reporters.flatMap((reporter) => (reporter.close ? [reporter.close()] : [])));
  }
}

/**
 * Why the stacks that never got a final row did not run, stored on their
 * rows: the run record has no room for a reason, and `show` prints rows.
 * Only our own errors are quoted (they never carry secret values, and the
 * run's masker is gone by now); anything else points at the command's output.
 */
async function recordNotStarted(store: Store, runId: string, plan: RunPlan, error: unknown, at: string): Promise<void> {
  const written = new Map((await store.listStackRuns(runId)).map((row) => [row.stack, row.state]));
  const why = isStackfleetError(error) ? (error.message.split('\n')[0] ?? error.code) : 'the run failed before it started (see the command\'s output)';
  for (const { name } of plan.stacks) {
    const state = written.get(name);
    if (state !== undefined && state !== 'pending') continue;
    await store.putStackRun({ runId, stack: name, state: 'skipped', attempt: 0, finishedAt: at, reason: `not started: ${why}` });
  }
}
