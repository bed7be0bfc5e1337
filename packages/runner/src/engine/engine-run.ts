import { hostname } from 'node:os';
import { relative, sep } from 'node:path';
import {
  isStackfleetError,
  type LockHolder,
  type Outputs,
  type PlannedStack,
  type RunCommand,
  type StackPlanEvidence,
  type RunEvent,
  type StackRunRecord,
} from '@stackfleet/core';
import { buildStackBaseEnv } from '../secrets/stack-base-env.js';
import { maskEvent, maskStackRunRecord } from '../mask/mask-event.js';
import { createMasker, type Masker } from '../mask/masker.js';
import type { RunOptions } from './types.js';

/** Defaulted options plus the state shared by every stack of one run. */
export interface EngineRun {
  options: RunOptions;
  command: RunCommand;
  planned: Map<string, PlannedStack>;
  now: () => Date;
  holder: LockHolder;
  lockTtlMs: number;
  lockTimeoutMs: number;
  lockPollMs: number;
  /** Outputs applied in this run, newer than the store's copy is to a reader that raced us. */
  freshOutputs: Map<string, Outputs>;
  /** Whether a stack's apply changed its outputs (false also for `unchanged` stacks). */
  outputsChanged: Map<string, boolean>;
  /** The base of every stack process's env: the orchestrator's, less secrets (`buildStackBaseEnv`). */
  processEnv: Record<string, string>;
  /** Values removed from `processEnv`: masked in every stack's output. */
  hiddenEnvValues: string[];
  /** Secret values per stack, read before the run started (`readRunSecrets`). */
  secrets: Map<string, Record<string, string>>;
  /** Plans policies saw, per stack, for the run's `kind: run` policies (with the values to keep out of their input). */
  planEvidence: Map<string, { plan: StackPlanEvidence; secrets: readonly unknown[] }>;
  /** Aborted by the first Ctrl-C, or when the store can no longer be written (`stopOnStorageFailure`). */
  interrupt: AbortSignal;
  /** The store write that failed (a full disk), once the run stopped on it. */
  storageFailure?: unknown;
  /** Whether the run's work directory (`runWorkDir`) was made by this process already. */
  workDirMade?: boolean;
  /**
   * Stops the run as a Ctrl-C does (start nothing new, SIGINT to running
   * stacks, wait for them): progress that cannot be recorded must not go on.
   */
  stopOnStorageFailure: (error: unknown) => void;
  /**
   * The run-wide masker (`buildRunMasker`): every byte that leaves the run
   * passes through it in `emit` and `putState`, so call sites never mask.
   */
  masker: Masker;
  /** Masks the event and hands it to every reporter (terminal, NDJSON, log files, UI). */
  emit: (event: RunEvent) => void;
  /** Durable progress, masked: written before the transition is acted on. */
  putState: (stack: string, record: Omit<StackRunRecord, 'runId' | 'stack'>) => Promise<void>;
  /** `putState` for many stacks at once, in one store transaction when the store can (a run's `pending` rows). */
  putStates: (entries: ReadonlyArray<readonly [stack: string, record: Omit<StackRunRecord, 'runId' | 'stack'>]>) => Promise<void>;
  /**
   * What the stack's next row says too, without a write of its own: a
   * stack's `running` row is followed at once by its first phase's (resume
   * treats `pending` and `running` alike), and each row is a store commit.
   */
  noteState: (stack: string, record: Omit<StackRunRecord, 'runId' | 'stack'>) => void;
  /**
   * A write that rides with the stack's final row (`putFinalState`), in its
   * transaction where the store can (`Store.writeTogether`): the release of
   * its lock, the removal of its applied saved plan. Its failure is ignored,
   * as a lock released late or a saved plan left behind harms nothing; a
   * store that cannot commit at all fails the final row itself.
   */
  deferUntilFinished: (stack: string, write: () => Promise<void>) => void;
  /**
   * A write the stack's final row stands on (its saved plan in a `plan
   * --save` run), committed in that row's transaction: one commit less per
   * stack. Only where the store writes together (`Store.writeTogether`);
   * false when it cannot, and the caller writes it now. Unlike a deferred
   * write, its failure is never ignored: `putFinalState` returns it and the
   * stack ends `failed`.
   */
  writeWithFinalState: (stack: string, write: () => Promise<void>) => boolean;
  /**
   * The stack's final row, with the writes deferred to it. Returns the error
   * of a write made with it (`writeWithFinalState`) that failed, whose stack
   * must end `failed` instead; undefined when all of them committed.
   */
  putFinalState: (stack: string, record: Omit<StackRunRecord, 'runId' | 'stack'>) => Promise<unknown>;
  /** The deferred writes of a stack that gets no final row (the run stopped on a full disk), made now. */
  flushDeferred: (stack: string) => Promise<void>;
}

const DEFAULT_LOCK_TTL_MS = 60_000;

export function createEngineRun(command: RunCommand, planned: PlannedStack[], options: RunOptions): EngineRun {
  const now = options.now ?? (() => new Date());
  const records = new Map<string, StackRunRecord>();
  const deferred: StackWrites = new Map();
  // Writes the final row stands on (`writeWithFinalState`), apart: their failure is reported, not ignored.
  const required: StackWrites = new Map();
  const takeDeferred = (stack: string) => takeWrites(deferred, stack);
  const takeRequired = (stack: string) => takeWrites(required, stack);
  const baseEnv = buildStackBaseEnv(options.env, options.manifest);
  const storage = new AbortController();
  const run: EngineRun = {
    options,
    command,
    planned: new Map(planned.map((stack) => [stack.name, stack])),
    now,
    holder: options.lockHolder ?? { host: hostname(), pid: process.pid, runId: options.runId },
    lockTtlMs: options.lockTtlMs ?? DEFAULT_LOCK_TTL_MS,
    lockTimeoutMs: options.lockTimeoutMs ?? 0,
    lockPollMs: options.lockPollMs ?? 1000,
    freshOutputs: new Map(),
    outputsChanged: new Map(),
    processEnv: baseEnv.env,
    hiddenEnvValues: baseEnv.hidden,
    secrets: new Map(),
    planEvidence: new Map(),
    interrupt: options.signal ? AbortSignal.any([options.signal, storage.signal]) : storage.signal,
    stopOnStorageFailure: (error) => {
      if (run.storageFailure !== undefined) return;
      run.storageFailure = error;
      storage.abort(error);
    },
    masker: createMasker(baseEnv.hidden),
    emit: (event) => {
      const masked = maskEvent(event, run.masker);
      for (const reporter of options.reporters) reporter.onEvent(masked);
    },
    putState: (stack, record) => options.store.putStackRun(toStoredRecord(stack, record)),
    putStates: async (entries) => {
      const stored = entries.map(([stack, record]) => toStoredRecord(stack, record));
      if (options.store.putStackRuns) return options.store.putStackRuns(stored);
      for (const record of stored) await options.store.putStackRun(record);
    },
    noteState: (stack, record) => {
      records.set(stack, { ...records.get(stack), runId: options.runId, stack, ...record });
    },
    deferUntilFinished: (stack, write) => {
      addWrite(deferred, stack, () => write().catch(() => undefined));
    },
    writeWithFinalState: (stack, write) => {
      if (!options.store.writeTogether) return false;
      addWrite(required, stack, write);
      return true;
    },
    putFinalState: async (stack, record) => {
      const writes = takeDeferred(stack);
      let failed: { error: unknown } | undefined;
      const standOn = takeRequired(stack).map((write) => () => write().catch((error: unknown) => void (failed ??= { error })));
      const stored = toStoredRecord(stack, record);
      const { store } = options;
      if (writes.length + standOn.length > 0 && store.writeTogether) {
        try {
          // Each call fails on its own there: a failed saved plan leaves the row committed, and the caller writes the stack failed.
          await store.writeTogether(() => [...standOn.map((write) => write()), ...writes.map((write) => write()), store.putStackRun(stored)]);
          return failed?.error;
        } catch (error) {
          // Not committed (a full disk): the lock is still released if a write that small fits.
          for (const write of writes) await write();
          throw error;
        }
      }
      for (const write of writes) await write();
      await store.putStackRun(stored);
      return undefined;
    },
    flushDeferred: async (stack) => {
      for (const write of [...takeRequired(stack), ...takeDeferred(stack)]) await write().catch(() => undefined);
    },
  };
  // The store replaces the whole row, so each write carries what earlier ones said (startedAt, phase, log file).
  function toStoredRecord(stack: string, record: Omit<StackRunRecord, 'runId' | 'stack'>): StackRunRecord {
    const merged: StackRunRecord = { ...records.get(stack), runId: options.runId, stack, ...record };
    records.set(stack, merged);
    const root = options.recordPathsRelativeTo;
    const shared = root === undefined || merged.logFile === undefined ? merged : { ...merged, logFile: relative(root, merged.logFile).split(sep).join('/') };
    return maskStackRunRecord(shared, run.masker);
  }
  return run;
}

/** A store write the disk refused (`E_STATE_FULL`): the run stops and is recorded interrupted, not failed. */
export function isStorageFull(error: unknown): boolean {
  return isStackfleetError(error) && error.code === 'E_STATE_FULL';
}

type StackWrites = Map<string, Array<() => Promise<void>>>;

function addWrite(writes: StackWrites, stack: string, write: () => Promise<void>): void {
  const list = writes.get(stack);
  if (list === undefined) writes.set(stack, [write]);
  else list.push(write);
}

/** The stack's writes, removed from `writes`: each is made once. */
function takeWrites(writes: StackWrites, stack: string): Array<() => Promise<void>> {
  const list = writes.get(stack) ?? [];
  writes.delete(stack);
  return list;
}
