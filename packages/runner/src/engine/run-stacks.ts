import type { RunPlan, StackStatus } from '@stackfleet/core';
import { buildRunMasker } from '../mask/build-run-masker.js';
import { createEngineRun, isStorageFull, type EngineRun } from './engine-run.js';
import { executeStack, type ExecutedStack } from './execute-stack.js';
import { readRunSecrets } from './read-run-secrets.js';
import { createRunScheduler, type RunScheduler } from './run-scheduler.js';
import { summarizeRun } from './summarize-run.js';
import type { RunOptions, RunResult, StackOutcome } from './types.js';

/**
 * The engine under `executeRunPlan`: each stack starts the moment its own dependencies are
 * done (the core scheduler decides which, within `-j` and label caps,
 * critical path first: it is the one place those caps live, so no queue
 * here repeats them). A failure skips its
 * dependents (or, with `failFast`, everything not yet started); the first
 * `signal` abort starts nothing new and waits for running stacks, which get
 * SIGINT from the process layer. Every transition is written to the store
 * before it is acted on, so `resume` can continue the run.
 *
 * Never throws for a stack's failure; it is reported in the result and events.
 * Throws before anything starts (no event emitted) when a secret of a stack
 * in the run cannot be read (`E_SECRET_MISSING`, naming context and key).
 */
export async function runStacks(plan: RunPlan, options: RunOptions): Promise<RunResult> {
  const run = createEngineRun(plan.command, plan.stacks, options);
  const startedAt = run.now();
  const order = plan.stacks.map((stack) => stack.name);
  const outcomes = new Map<string, StackOutcome>();
  const alreadyDone = options.alreadyDone ?? new Map<string, StackStatus>();
  run.secrets = await readRunSecrets(run, order.filter((name) => !alreadyDone.has(name)));
  run.masker = await buildRunMasker(run.secrets, run.hiddenEnvValues, options.store, Object.keys(options.manifest.stacks));
  for (const reporter of options.reporters) reporter.useMasker?.((text) => run.masker.mask(text));

  run.emit({ type: 'run.started', runId: options.runId, command: plan.command, stacks: order, concurrency: plan.concurrency, at: startedAt.toISOString() });
  for (const name of order) {
    const done = alreadyDone.get(name);
    if (done !== undefined) {
      outcomes.set(name, { status: done, reason: 'finished before the run was resumed', durationMs: 0 });
      continue;
    }
    await run.putState(name, { state: 'pending', attempt: 0 });
    run.emit({ type: 'stack.queued', runId: options.runId, stack: name, at: run.now().toISOString() });
  }

  const scheduler = createRunScheduler(plan, options.manifest);
  scheduler.markDone([...alreadyDone.keys()].filter((name) => run.planned.has(name)));
  const stopReason = await driveScheduler(run, plan, scheduler, outcomes);
  if (run.storageFailure !== undefined) return endOnStorageFailure(run, outcomes, startedAt);

  for (const name of order) {
    if (!outcomes.has(name)) await finishStack(run, outcomes, name, { status: 'skipped', reason: stopReason ?? 'not started', durationMs: 0 });
  }
  const status = run.interrupt.aborted ? 'interrupted' : [...outcomes.values()].some((outcome) => outcome.status === 'failed') ? 'failed' : 'succeeded';
  const finishedAt = run.now();
  const summary = summarizeRun(outcomes, finishedAt.getTime() - startedAt.getTime());
  await options.store.finishRun(options.runId, status, finishedAt.toISOString());
  run.emit({ type: 'run.finished', runId: options.runId, status, summary, at: finishedAt.toISOString() });
  return { status, summary, stacks: outcomes };
}

/**
 * The store refused a write (a full disk): the running stacks were stopped
 * as for Ctrl-C. Record the run `interrupted` if the store still takes that
 * one small write; if not, the run stays `running` with a process that is
 * gone, which `resume` treats the same. Then throw the clear error.
 */
async function endOnStorageFailure(run: EngineRun, outcomes: Map<string, StackOutcome>, startedAt: Date): Promise<never> {
  const finishedAt = run.now();
  await run.options.store.finishRun(run.options.runId, 'interrupted', finishedAt.toISOString()).catch(() => undefined);
  const summary = summarizeRun(outcomes, finishedAt.getTime() - startedAt.getTime());
  run.emit({ type: 'run.finished', runId: run.options.runId, status: 'interrupted', summary, at: finishedAt.toISOString() });
  throw run.storageFailure;
}

/** Starts stacks as the scheduler releases them until nothing runs and nothing can start. Returns why starting stopped, if it did. */
async function driveScheduler(
  run: EngineRun,
  plan: RunPlan,
  scheduler: RunScheduler,
  outcomes: Map<string, StackOutcome>,
): Promise<string | undefined> {
  const running = new Set<string>();
  let stopReason: string | undefined;
  const stop = (reason: string): void => {
    if (stopReason !== undefined) return;
    stopReason = reason;
    scheduler.stopStarting(reason);
  };
  const onInterrupt = (): void => {
    stop('run interrupted');
    run.emit({ type: 'run.interrupting', runId: run.options.runId, waitingFor: [...running].sort(), at: run.now().toISOString() });
  };
  if (run.interrupt.aborted) onInterrupt();
  else run.interrupt.addEventListener('abort', onInterrupt, { once: true });

  try {
    await new Promise<void>((resolve, reject) => {
      const pump = (): void => {
        if (stopReason === undefined) {
          for (const name of scheduler.next()) start(name);
        }
        if (running.size === 0) resolve();
      };
      const start = (name: string): void => {
        running.add(name);
        runOneStack(run, name)
          .then(async (outcome) => {
            running.delete(name);
            await settleStack(run, scheduler, outcomes, name, outcome);
            if (outcome?.status === 'failed' && plan.failFast) stop(`run stopped after ${name} failed (--fail-fast)`);
            pump();
          })
          .catch((error: unknown) => {
            // A full disk stops the run (resumable); anything else is a bug and ends it.
            if (!isStorageFull(error)) throw error;
            running.delete(name);
            run.stopOnStorageFailure(error);
            pump();
          })
          .catch(reject);
      };
      pump();
    });
  } finally {
    run.interrupt.removeEventListener('abort', onInterrupt);
  }
  return stopReason;
}

async function runOneStack(run: EngineRun, name: string): Promise<StackOutcome | ExecutedStack> {
  if (run.interrupt.aborted) return { status: 'skipped', reason: 'run interrupted', durationMs: 0 };
  const unchangedUpstreams = findUnchangedTrigger(run, name);
  if (unchangedUpstreams !== undefined) {
    run.outputsChanged.set(name, false);
    return { status: 'unchanged', reason: `outputs of ${unchangedUpstreams.join(', ')} unchanged`, durationMs: 0 };
  }
  return executeStack(run, name);
}

/**
 * Spacelift's trigger semantics: a stack that is in an apply only as a
 * dependent, whose every in-run upstream left its outputs unchanged, has
 * nothing new to react to. Returns those upstreams, or undefined to run it.
 */
function findUnchangedTrigger(run: EngineRun, name: string): string[] | undefined {
  const planned = run.planned.get(name);
  if (run.command !== 'apply' || run.options.allDependents || !planned?.onlyAsDependent || planned.needs.length === 0) return undefined;
  return planned.needs.every((upstream) => run.outputsChanged.get(upstream) === false) ? [...planned.needs] : undefined;
}

async function settleStack(
  run: EngineRun,
  scheduler: RunScheduler,
  outcomes: Map<string, StackOutcome>,
  name: string,
  outcome: StackOutcome | ExecutedStack,
): Promise<void> {
  if (outcome.status !== 'failed' && outcome.status !== 'interrupted') {
    scheduler.complete(name);
    await finishStack(run, outcomes, name, outcome);
    return;
  }
  const skipped = scheduler.fail(name, `dependency ${name} ${outcome.status === 'interrupted' ? 'was interrupted' : 'failed'}`);
  await finishStack(run, outcomes, name, outcome);
  for (const { stack, reason } of skipped) {
    if (!outcomes.has(stack)) await finishStack(run, outcomes, stack, { status: 'skipped', reason, durationMs: 0 });
  }
}

async function finishStack(run: EngineRun, outcomes: Map<string, StackOutcome>, name: string, unmasked: StackOutcome | ExecutedStack): Promise<void> {
  const outcome = maskOutcome(run, unmasked);
  outcomes.set(name, { status: outcome.status, durationMs: outcome.durationMs, ...(outcome.reason === undefined ? {} : { reason: outcome.reason }), ...(outcome.exitCode === undefined ? {} : { exitCode: outcome.exitCode }) });
  const executed = 'logFile' in outcome ? outcome : undefined;
  const at = run.now().toISOString();
  await run.putState(name, {
    state: outcome.status,
    attempt: 1,
    finishedAt: at,
    durationMs: outcome.durationMs,
    ...(outcome.reason === undefined ? {} : { reason: outcome.reason }),
    ...(outcome.exitCode === undefined ? {} : { exitCode: outcome.exitCode }),
    ...(executed?.changes ? { changes: executed.changes } : {}),
    ...(executed ? { logFile: executed.logFile } : {}),
  });
  run.emit({
    type: 'stack.finished',
    runId: run.options.runId,
    stack: name,
    status: outcome.status,
    durationMs: outcome.durationMs,
    ...(outcome.reason === undefined ? {} : { reason: outcome.reason }),
    ...(outcome.exitCode === undefined ? {} : { exitCode: outcome.exitCode }),
    ...(executed?.changes ? { changes: executed.changes } : {}),
    ...(executed ? { logFile: executed.logFile } : {}),
    at,
  });
}

/** The outcome is returned to the caller too, so its reason is masked like the event's and the record's. */
function maskOutcome(run: EngineRun, outcome: StackOutcome | ExecutedStack): StackOutcome | ExecutedStack {
  return outcome.reason === undefined ? outcome : { ...outcome, reason: run.masker.mask(outcome.reason) };
}
