import { buildRunPlan, StackfleetError, type RunRecord, type StackRunRecord, type StackStatus, type Store } from '@stackfleet/core';
import { readCompletedApply } from '@stackfleet/runner';
import { isHolderGone, readThisHost } from '@stackfleet/state';
import type { CommandContext } from '../command-context.js';
import type { Fleet } from '../manifest/read-manifest.js';
import { openStore } from '../runtime/open-runtime.js';
import { resolveConcurrency, type ExecuteOptions, type RunFlags } from './execute-run.js';

/** States after which a stack is never run again by `resume`. */
const DONE_STATES = new Set<string>(['succeeded', 'unchanged', 'changed', 'denied']);

/**
 * Everything `executeRun` needs to continue an interrupted or crashed run:
 * the same command over the same stacks, with finished stacks marked done.
 * Undefined when there is nothing to resume (and no run id was given).
 */
export async function prepareResume(
  context: CommandContext,
  fleet: Fleet,
  runId: string | undefined,
  force: boolean,
): Promise<Pick<ExecuteOptions, 'fleet' | 'plan' | 'flags' | 'runCommand' | 'resume'> | undefined> {
  const store = openStore(fleet, context.io.env);
  let run;
  let stackRuns;
  try {
    run = runId ? await store.getRun(runId) : await store.findResumableRun();
    if (!run) {
      if (runId) throw new StackfleetError('E_UNKNOWN_RUN', `no run "${runId}"`, { hint: 'see `stackfleet history`' });
      return undefined;
    }
    if (run.status === 'succeeded') {
      throw new StackfleetError('E_RUN_FINISHED', `run ${run.id} already finished (${run.status})`, { hint: 'start a new run instead' });
    }
    stackRuns = await recoverRecordedApplies(store, run, await store.listStackRuns(run.id), fleet.stateDir);
    if (force) {
      for (const row of stackRuns) if (row.state === 'applying' || row.state === 'running') await store.forceUnlock(row.stack);
    }
  } finally {
    await store.close();
  }
  const alreadyDone = new Map<string, StackStatus>();
  for (const row of stackRuns) if (DONE_STATES.has(row.state)) alreadyDone.set(row.stack, row.state as StackStatus);
  const missing = run.stacks.filter((name) => !fleet.loaded.manifest.stacks[name]);
  if (missing.length > 0) {
    throw new StackfleetError('E_RESUME_MANIFEST', `run ${run.id} includes stacks no longer in the manifest: ${missing.join(', ')}`, {
      hint: 'restore them, or start a new run',
    });
  }
  const stacks = fleet.graph.topologicalOrder(run.stacks);
  const resumedId = run.id;
  const plan = buildRunPlan(
    fleet.graph,
    { stacks, reasons: new Map(stacks.map((name) => [name, `resumed from run ${resumedId}`])), onlyAsDependent: new Set() },
    {
      command: run.command,
      concurrency: resolveConcurrency(context, fleet),
      limits: fleet.loaded.manifest.settings.limits,
      failFast: Boolean(context.global.failFast),
    },
  );
  const selection = run.selection as RunFlags & { runCommand?: string[] };
  context.note(`resuming run ${run.id} (${run.command}): ${alreadyDone.size} of ${run.stacks.length} stacks already done`);
  return {
    fleet,
    plan,
    flags: selection,
    ...(selection.runCommand ? { runCommand: selection.runCommand } : {}),
    resume: {
      runId: run.id,
      alreadyDone,
      // A terraform apply may have finished without its outputs being read: read them again if its plan is now empty.
      refreshOutputs: new Set(stackRuns.filter((row) => row.state === 'applying').map((row) => row.stack)),
    },
  };
}

/**
 * A crash can land after an apply stored its outputs but before the stack's
 * row said `succeeded`. Outputs stamped with this run's id prove the apply
 * completed in this run, so the stack is done: mark it, and never apply it
 * twice. (Destroy deletes outputs, so this only holds for apply.)
 */
async function recoverRecordedApplies(store: Store, run: RunRecord, rows: StackRunRecord[], stateDir: string): Promise<StackRunRecord[]> {
  if (run.command !== 'apply') return rows;
  const recovered: StackRunRecord[] = [];
  for (const row of rows) {
    let reason: string | undefined;
    if (row.state === 'applying' && (await store.getOutputs(row.stack))?.runId === run.id) {
      reason = 'apply completed before the run stopped (outputs were recorded)';
    } else if (row.state === 'applying') {
      // The process gate wrote the apply's exit status even though we died before reading it.
      const outputs = await readCompletedApply(stateDir, run.id, row.stack);
      if (outputs) {
        await store.setOutputs(row.stack, outputs, run.id);
        reason = 'apply completed before the run stopped (exit status recorded)';
      }
    }
    if (reason === undefined) {
      recovered.push(row);
      continue;
    }
    const done: StackRunRecord = { ...row, state: 'succeeded', reason };
    await store.putStackRun(done);
    await releaseDeadLock(store, run.id, row.stack);
    recovered.push(done);
  }
  return recovered;
}

/** The crashed process of this same run still "holds" the lock of a stack it finished: let it go. */
async function releaseDeadLock(store: Store, runId: string, stack: string): Promise<void> {
  const lock = (await store.listLocks()).find((candidate) => candidate.stack === stack);
  if (lock && lock.runId === runId && isHolderGone(lock.host, lock.pid, readThisHost())) await store.forceUnlock(stack);
}
