import { StackfleetError, type RunCommand, type Store, type WorkQueue } from '@stackfleet/core';

/** A store that also distributes runs (PostgreSQL). */
export type QueueStore = Store & WorkQueue;

/** What a worker needs to run a stack of a queued run, stored with the run (`queue_runs.payload`). */
export interface RemoteRunPayload {
  command: RunCommand;
  /** The manifest's path inside its repository, `/`-separated: the same on every checkout. */
  manifestPath: string;
  /** Repository name ('' = the manifest's own) -> the commit the run works on. */
  repoShas: Record<string, string>;
  /** argv of `stackfleet run -- CMD...`. */
  runCommand?: string[];
  allDependents?: boolean;
  planDestroy?: boolean;
  /**
   * Who queued the run and as what, for the plan policies each worker
   * evaluates (`input.run.actor`, `input.run.type`); absent when the fleet
   * has no policies. A worker refuses a stack whose manifest names policies
   * when it is absent (fail closed).
   */
  policy?: { actor: string; runType?: string };
}

const commands: readonly RunCommand[] = ['plan', 'apply', 'destroy', 'run', 'drift'];

/** Reads a payload written by another (maybe older or newer) stackfleet; refuses what it cannot run. */
export function parseRemotePayload(value: unknown, runId: string): RemoteRunPayload {
  const payload = value as Partial<RemoteRunPayload> | null;
  if (
    payload === null ||
    typeof payload !== 'object' ||
    !commands.includes(payload.command as RunCommand) ||
    typeof payload.manifestPath !== 'string' ||
    typeof payload.repoShas !== 'object' ||
    payload.repoShas === null
  ) {
    throw new StackfleetError('E_REMOTE_PAYLOAD', `queued run ${runId} carries a payload this stackfleet cannot read`, {
      hint: 'run the same stackfleet version on the workers as on the machine that queued the run',
    });
  }
  return payload as RemoteRunPayload;
}

/** Whether the store can distribute runs; `--remote` and `worker` need it. */
export function isQueueStore(store: Store): store is QueueStore {
  return typeof (store as Partial<WorkQueue>).claimStack === 'function';
}

/** `--remote` and `worker` on the embedded SQLite store: a clear error. */
export function requireQueueStore(store: Store, what: string): QueueStore {
  if (isQueueStore(store)) return store;
  throw new StackfleetError('E_REMOTE_NEEDS_POSTGRES', `${what} needs the PostgreSQL store; this fleet uses the embedded SQLite store`, {
    hint: 'set STACKFLEET_STATE_URL=postgres://USER:PASSWORD@HOST:5432/DB (or settings.state.url) on this machine and on the workers; see docs/scale-out.md',
  });
}
