import {
  buildResumePlan,
  StackfleetError,
  type BuildRunPlanOptions,
  type LockRecord,
  type Outputs,
  type Manifest,
  type ResumePlan,
  type RunRecord,
  type StackGraph,
  type StackRunRecord,
  type Store,
} from '@stackfleet/core';
import { readCompletedApply, removeCompletedApplyOutputs } from '../stack-runner/completed-apply.js';
import { isQueueStore } from '../remote/remote-payload.js';
import { refuseLiveClaims } from '../remote/refuse-live-claims.js';

export interface RecoverRunOptions {
  /** The run to continue; default: the newest interrupted (or crashed) one. */
  runId?: string;
  /** `--force`: release the locks of stacks that were in flight instead of waiting for them to expire. */
  force?: boolean;
  /** Where the gate recorded exit statuses (`<stateDir>/runs/<run>/work/`). */
  stateDir: string;
  /** Whether a lock's holder process is provably gone (the store's package knows how to tell). */
  isHolderGone: (lock: LockRecord) => boolean;
  /** @default () => new Date() */
  now?: () => Date;
}

/**
 * Loads a run to continue and repairs what a crash left behind: an apply
 * that completed but was not yet marked so is marked `succeeded` (never
 * applied twice), and its lock, still held by the dead process, is
 * released. Undefined when there is nothing to resume and no id was given.
 *
 * @throws StackfleetError `E_UNKNOWN_RUN` for an unknown id, `E_RUN_FINISHED` for a run that succeeded,
 *   `E_RUN_LIVE` for `force` on a distributed run that workers still hold stacks of.
 */
export async function recoverRun(store: Store, options: RecoverRunOptions): Promise<{ run: RunRecord; stackRuns: StackRunRecord[] } | undefined> {
  const run = options.runId ? await store.getRun(options.runId) : await store.findResumableRun();
  if (!run) {
    if (options.runId) throw new StackfleetError('E_UNKNOWN_RUN', `no run "${options.runId}"`, { hint: 'see `stackfleet history`' });
    return undefined;
  }
  if (run.status === 'succeeded') {
    throw new StackfleetError('E_RUN_FINISHED', `run ${run.id} already finished (${run.status})`, { hint: 'start a new run instead' });
  }
  // Force releases the locks of stacks in flight: never while a live worker holds one (it may be applying).
  if (options.force && isQueueStore(store)) await refuseLiveClaims(store, run.id, (options.now ?? (() => new Date()))(), 'resume --force');
  const stackRuns = await recoverRecordedApplies(store, run, await store.listStackRuns(run.id), options);
  if (options.force) {
    for (const row of stackRuns) if (row.state === 'applying' || row.state === 'running') await store.forceUnlock(row.stack);
  }
  return { run, stackRuns };
}

/**
 * `recoverRun`, then core's `buildResumePlan`: the plan that continues the
 * run. Undefined when there is nothing to resume.
 *
 * @throws StackfleetError as `recoverRun`, and `E_RESUME_MANIFEST` when a stack of the run left the manifest.
 */
export async function prepareResumePlan(
  store: Store,
  fleet: { graph: StackGraph; manifest: Manifest },
  options: RecoverRunOptions & { plan: Omit<BuildRunPlanOptions, 'command'> },
): Promise<ResumePlan | undefined> {
  const recovered = await recoverRun(store, options);
  return recovered && buildResumePlan(fleet.graph, fleet.manifest, recovered.run, recovered.stackRuns, options.plan);
}

/**
 * A crash can land after an apply stored its outputs but before the stack's
 * row said `succeeded`. Outputs stamped with this run's id prove the apply
 * completed in this run, so the stack is done: mark it, and never apply it
 * twice. (Destroy deletes outputs, so this only holds for apply.)
 */
async function recoverRecordedApplies(store: Store, run: RunRecord, rows: StackRunRecord[], options: RecoverRunOptions): Promise<StackRunRecord[]> {
  if (run.command !== 'apply') return rows;
  const recovered: StackRunRecord[] = [];
  for (const row of rows) {
    let reason: string | undefined;
    if (row.state === 'applying' && (await store.getOutputs(row.stack))?.runId === run.id) {
      reason = 'apply completed before the run stopped (outputs were recorded)';
    } else if (row.state === 'applying') {
      // The process gate wrote the apply's exit status even though we died before reading it.
      const completed = await readCompletedApply(options.stateDir, run.id, row.stack);
      if (completed) {
        await store.setOutputs(row.stack, sealAll(completed.outputs), run.id);
        await removeCompletedApplyOutputs(completed.workDir, row.stack);
        reason = 'apply completed before the run stopped (exit status recorded)';
      }
    }
    if (reason === undefined) {
      recovered.push(row);
      continue;
    }
    const done: StackRunRecord = { ...row, state: 'succeeded', reason };
    await store.putStackRun(done);
    await releaseDeadLock(store, run.id, row.stack, options.isHolderGone);
    recovered.push(done);
  }
  return recovered;
}

/**
 * Outputs recovered from the file of an apply that finished just before a
 * crash are all stored sealed: the run's masker, which tells which values
 * carry a secret, does not exist yet here (secrets are read once the run
 * continues, and never for a stack that is already done), and a value
 * stored in clear cannot be taken back. The next apply of the stack stores
 * them as usual.
 */
function sealAll(outputs: Outputs): Outputs {
  const sealed: Outputs = {};
  for (const [name, output] of Object.entries(outputs)) sealed[name] = { ...output, sensitive: true };
  return sealed;
}

/** The crashed process of this same run still "holds" the lock of a stack it finished: let it go. */
async function releaseDeadLock(store: Store, runId: string, stack: string, isHolderGone: (lock: LockRecord) => boolean): Promise<void> {
  const lock = (await store.listLocks()).find((candidate) => candidate.stack === stack);
  if (lock && lock.runId === runId && isHolderGone(lock)) await store.forceUnlock(stack);
}
