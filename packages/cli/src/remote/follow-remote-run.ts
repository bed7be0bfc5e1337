import { StackfleetError, type ResumeState, type RunPlan } from '@stackfleet/core';
import {
  followRun,
  isRemoteRunLive,
  parseRemotePayload,
  queueRemoteRun,
  refuseLiveClaims,
  requireQueueStore,
  type ExecuteRunOptions,
  type ExecutedRun,
  type QueueStore,
  type RemoteRunPayload,
} from '@stackfleet/runner';

/** Test and tuning knobs: how often the follower polls, and says a pool has no live worker. */
function readFollowTuning(env: Record<string, string | undefined>): { pollMs?: number; noticeMs?: number } {
  const poll = Number(env.STACKFLEET_FOLLOW_POLL_MS);
  const notice = Number(env.STACKFLEET_REMOTE_NOTICE_MS);
  return { ...(poll > 0 ? { pollMs: poll } : {}), ...(notice > 0 ? { noticeMs: notice } : {}) };
}

/**
 * `--remote`: instead of running stacks here, queue the run in the database
 * (at the commit this checkout is on) and follow the events and log lines the
 * workers write, through the same listeners a local run gets, so the live
 * view, CI lines, NDJSON and exit codes are the same. Ctrl-C cancels the run.
 * `resume` of a remote run (`options.resume`): a run workers are still on is
 * followed again (its follower died); an ended one (interrupted, failed)
 * gets its unfinished stacks queued again, at the commit it first recorded.
 */
export async function followRemoteRun(plan: RunPlan, options: ExecuteRunOptions & { resume?: ResumeState }, note: (message: string) => void): Promise<ExecutedRun> {
  const store = requireQueueStore(options.store, '--remote');
  const resumed = options.resume?.runId;
  if (resumed !== undefined && (await isRemoteRunLive(store, resumed))) {
    note(`run ${resumed} is still running on workers; following it again (Ctrl-C cancels it)`);
    return follow(store, resumed, 0, options, note);
  }
  // Cancelled but not stopped yet: queueing it again would hand stacks still running to a second worker.
  if (resumed !== undefined) await refuseLiveClaims(store, resumed, new Date(), 'resume');
  const queuedBefore = resumed === undefined ? undefined : await store.getQueuedRun(resumed);
  const sha = options.repoShas?.[''] ?? '';
  if (sha === '' && queuedBefore === undefined) {
    throw new StackfleetError('E_REMOTE_COMMIT_UNAVAILABLE', 'a remote run needs the manifest in a git repository: workers run the commit it records', {
      hint: 'commit stacks.yaml and the stacks to git (and push, so workers can fetch the commit)',
    });
  }
  // startRun already made it relative to the repository root (a shared store's records hold no machine paths).
  const manifestPath = options.manifestPath;
  const payload: RemoteRunPayload = queuedBefore
    ? parseRemotePayload(queuedBefore.payload, resumed ?? '')
    : {
        command: plan.command,
        manifestPath,
        repoShas: options.repoShas ?? {},
        ...(options.runCommand ? { runCommand: options.runCommand } : {}),
        ...(options.allDependents ? { allDependents: true } : {}),
        ...(options.planDestroy ? { planDestroy: true } : {}),
        ...describeRemotePolicyRun(options.selection ?? {}),
      };
  const { runId, afterSeq } = await queueRemoteRun(plan, {
    store,
    manifest: options.manifest,
    selection: options.selection ?? {},
    payload,
    ...(options.resume ? { resume: options.resume } : {}),
  });
  const commit = (payload.repoShas[''] ?? '').slice(0, 12);
  note(`${resumed === undefined ? 'queued' : 'queued again'} run ${runId} (commit ${commit}); following it: stackfleet logs ${runId} --follow`);
  return follow(store, runId, afterSeq, options, note);
}

async function follow(store: QueueStore, runId: string, afterSeq: number, options: ExecuteRunOptions, note: (message: string) => void): Promise<ExecutedRun> {
  const followed = await followRun({
    store,
    runId,
    afterSeq,
    listeners: options.listeners,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.forceSignal ? { forceSignal: options.forceSignal } : {}),
    note,
    ...readFollowTuning(options.env),
  });
  return { runId, status: followed.status, summary: followed.summary, stacks: followed.stacks };
}

/** The actor (and `--run-type`) a run's policies see, for the workers: startRun keeps them in the selection when the fleet has policies. */
function describeRemotePolicyRun(selection: Record<string, unknown>): { policy?: { actor: string; runType?: string } } {
  const { actor, runType } = selection;
  if (typeof actor !== 'string') return {};
  return { policy: { actor, ...(typeof runType === 'string' ? { runType } : {}) } };
}
