import type { PolicyCheck, PolicyGateVerdict, RunPlan, RunStatus, StackStatus } from '@stackfleet/core';
import { buildRunMasker } from '../mask/build-run-masker.js';
import { describePolicyStop, reportPolicyDecisions } from './check-policies.js';
import { createEngineRun, isStorageFull, type EngineRun } from './engine-run.js';
import { describeError, executeStack, type ExecutedStack } from './execute-stack.js';
import { settleUnchangedTrigger } from './unchanged-trigger.js';
import { readRunSecrets } from './read-run-secrets.js';
import { createRunScheduler, type RunScheduler } from './run-scheduler.js';
import { summarizeRun } from './summarize-run.js';
import type { RunOptions, RunResult, StackOutcome } from './types.js';
import { describeFinishedStack } from './describe-finished-stack.js';

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

  // Kept stacks get no event of their own: run.started names them so views count them done.
  const kept = order.flatMap((name) => {
    const status = alreadyDone.get(name);
    return status === undefined ? [] : [{ stack: name, status }];
  });
  run.emit({
    type: 'run.started',
    runId: options.runId,
    command: plan.command,
    stacks: order,
    concurrency: plan.concurrency,
    ...(kept.length > 0 ? { alreadyDone: kept } : {}),
    at: startedAt.toISOString(),
  });
  const queued: string[] = [];
  for (const name of order) {
    const done = alreadyDone.get(name);
    if (done !== undefined) {
      outcomes.set(name, { status: done, reason: 'finished before the run was resumed', durationMs: 0 });
      continue;
    }
    queued.push(name);
  }
  // One transaction for every pending row (one write per stack was ~0.05 ms each of the run's start).
  await run.putStates(queued.map((name) => [name, { state: 'pending', attempt: 0 }] as const));
  for (const name of queued) run.emit({ type: 'stack.queued', runId: options.runId, stack: name, at: run.now().toISOString() });

  const scheduler = createRunScheduler(plan, options.manifest);
  // A kept stack that stopped its dependents (a denied apply or destroy) still stops them: it is not
  // done for the scheduler; when released it ends at once, keeping its record, and skips them again.
  const blockers = new Set([...alreadyDone].flatMap(([name, status]) => (run.planned.has(name) && describeBlockedDependents(run, name, status) !== undefined ? [name] : [])));
  scheduler.markDone([...alreadyDone.keys()].filter((name) => run.planned.has(name) && !blockers.has(name)));
  // Access policies decide before any stack starts; a deny (or a Ctrl-C while they decide) starts none of them.
  const access = await checkAccessPolicies(run, order.filter((name) => !alreadyDone.has(name)));
  const accessDenied = access?.denied === true ? access.reason : undefined;
  const stopReason = access?.reason ?? (await driveScheduler(run, plan, scheduler, outcomes, blockers));
  if (run.storageFailure !== undefined) return endOnStorageFailure(run, outcomes, startedAt);

  for (const name of order) {
    if (!outcomes.has(name)) await finishStack(run, outcomes, name, { status: 'skipped', reason: stopReason ?? 'not started', durationMs: 0 });
  }
  const runVerdict = access === undefined ? await checkRunPolicies(run) : accessDenied === undefined ? 'allow' : 'deny';
  const runDenied = runVerdict === 'deny';
  const runAwaitingApproval = runVerdict === 'awaiting_approval';
  const status = decideRunStatus(run, outcomes, runDenied, runAwaitingApproval);
  const finishedAt = run.now();
  const summary = summarizeRun(outcomes, finishedAt.getTime() - startedAt.getTime());
  await options.store.finishRun(options.runId, status, finishedAt.toISOString());
  run.emit({ type: 'run.finished', runId: options.runId, status, summary, at: finishedAt.toISOString() });
  return {
    status,
    summary,
    stacks: outcomes,
    ...(runDenied ? { runDenied } : {}),
    ...(accessDenied === undefined ? {} : { accessDenied: true }),
    ...(runAwaitingApproval ? { runAwaitingApproval } : {}),
  };
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

/**
 * interrupted, then failed, then denied (a stack denied, or the whole run by
 * an access or run policy), then awaiting_approval (a stack, or the whole
 * run by a run policy), else succeeded.
 */
function decideRunStatus(run: EngineRun, outcomes: Map<string, StackOutcome>, runDenied: boolean, runAwaitingApproval: boolean): RunStatus {
  const statuses = new Set([...outcomes.values()].map((outcome) => outcome.status));
  if (run.interrupt.aborted) return 'interrupted';
  if (statuses.has('failed')) return 'failed';
  if (runDenied || statuses.has('denied')) return 'denied';
  return runAwaitingApproval || statuses.has('awaiting_approval') ? 'awaiting_approval' : 'succeeded';
}

/**
 * `kind: access` policies over the stacks about to run. Undefined: the run
 * goes on; else why every stack is skipped: the policies denied the run, or
 * a Ctrl-C stopped an exec access policy before it decided (no verdict: the
 * run ends interrupted, and `resume` asks them again).
 */
async function checkAccessPolicies(run: EngineRun, stacks: string[]): Promise<{ reason: string; denied: boolean } | undefined> {
  const gate = run.options.policyGate;
  if (gate === undefined) return undefined;
  let check: PolicyCheck;
  try {
    check = await gate.checkAccess({
      runId: run.options.runId,
      stacks,
      signal: run.interrupt,
      ...(run.options.forceSignal ? { forceSignal: run.options.forceSignal } : {}),
    });
  } catch (error) {
    if (run.interrupt.aborted) return { reason: 'run interrupted while access policies decided', denied: false };
    throw error;
  }
  await reportPolicyDecisions(run, undefined, check);
  // An access policy has nobody to wait for: a require_approval there stops the run like a deny.
  const stop = describePolicyStop(check);
  return stop === undefined ? undefined : { reason: `run ${stop.reason.replace(/^denied by policy/, 'denied by access policy')}`, denied: true };
}

/**
 * `kind: run` policies once over every stack planned in a `plan` run. (An
 * apply or destroy judged by policies plans every stack in a `plan` run
 * first, and applies the plans it saved only when these allow: see the
 * CLI's plan-then-apply.) Returns their verdict.
 */
async function checkRunPolicies(run: EngineRun): Promise<PolicyGateVerdict> {
  const gate = run.options.policyGate;
  if (gate === undefined || run.command !== 'plan' || run.planEvidence.size === 0 || run.interrupt.aborted) return 'allow';
  // In run order, whatever order the plans finished in.
  const planned = [...run.planned.keys()].flatMap((name) => {
    const evidence = run.planEvidence.get(name);
    return evidence === undefined ? [] : [[name, evidence] as const];
  });
  let check: PolicyCheck;
  try {
    check = await gate.checkRun({
      runId: run.options.runId,
      stacks: planned.map(([stack, { plan }]) => ({ stack, plan })),
      secrets: planned.flatMap(([, { secrets }]) => secrets),
      signal: run.interrupt,
      ...(run.options.forceSignal ? { forceSignal: run.options.forceSignal } : {}),
    });
  } catch (error) {
    // Ctrl-C stopped an exec run policy: no verdict, and the run ends interrupted (resumable), not denied.
    if (run.interrupt.aborted) return 'allow';
    throw error;
  }
  await reportPolicyDecisions(run, undefined, check);
  return check.verdict;
}

/** Starts stacks as the scheduler releases them until nothing runs, nothing is settling and nothing can start. Returns why starting stopped, if it did. */
async function driveScheduler(
  run: EngineRun,
  plan: RunPlan,
  scheduler: RunScheduler,
  outcomes: Map<string, StackOutcome>,
  kept: ReadonlySet<string>,
): Promise<string | undefined> {
  // Started and not yet ended: what a Ctrl-C waits for.
  const running = new Set<string>();
  // Ended, with their final row and their dependents still being settled (`settleStack` awaits the store).
  let settling = 0;
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
        // Done only when nothing runs and nothing is settling: a stack that ended releases its
        // dependents to the scheduler only once its final row is written. Counting it as done
        // earlier ended the run while another stack's settle would still start its dependents.
        if (running.size === 0 && settling === 0) resolve();
      };
      const start = (name: string): void => {
        running.add(name);
        (kept.has(name) ? Promise.resolve(outcomes.get(name)!) : runOneStack(run, name))
          .then(async (outcome) => {
            running.delete(name);
            settling += 1;
            try {
              await settleStack(run, scheduler, outcomes, name, outcome, kept.has(name));
            } finally {
              settling -= 1;
            }
            if (outcome?.status === 'failed' && plan.failFast) stop(`run stopped after ${name} failed (--fail-fast)`);
            pump();
          })
          .catch((error: unknown) => {
            // A full disk stops the run (resumable); anything else is a bug and ends it.
            if (!isStorageFull(error)) throw error;
            running.delete(name);
            // The stack gets no final row: its lock is released now (if the disk lets it).
            void run.flushDeferred(name);
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
  return settleUnchangedTrigger(run, name) ?? executeStack(run, name);
}

async function settleStack(
  run: EngineRun,
  scheduler: RunScheduler,
  outcomes: Map<string, StackOutcome>,
  name: string,
  outcome: StackOutcome | ExecutedStack,
  /** Finished before the run was resumed: its record stands, only its dependents are settled. */
  kept = false,
): Promise<void> {
  // Its final row first: a stack whose plan could not be saved ends `failed` there, and its dependents see that.
  const settled = kept ? outcome : await finishStack(run, outcomes, name, outcome);
  const why = describeBlockedDependents(run, name, settled.status);
  if (why === undefined) {
    scheduler.complete(name);
    return;
  }
  const failed = settled.status === 'failed' || settled.status === 'interrupted';
  const skipped = failed ? scheduler.fail(name, why) : scheduler.skip(name, settled.reason ?? why, why);
  for (const { stack, reason } of skipped) {
    if (!outcomes.has(stack)) await finishStack(run, outcomes, stack, { status: 'skipped', reason, durationMs: 0 });
  }
}

/** Why a stack's dependents cannot run after it ended so; undefined when they can. */
function describeBlockedDependents(run: EngineRun, name: string, status: StackStatus): string | undefined {
  if (status === 'failed') return `dependency ${name} failed`;
  if (status === 'interrupted') return `dependency ${name} was interrupted`;
  // In a plan nothing was applied: dependents of a denied plan still plan.
  if (status === 'denied' && run.command !== 'plan') return `dependency ${name} was denied by policy`;
  if (status === 'awaiting_approval') return `dependency ${name} is awaiting approval`;
  return undefined;
}

/** Writes the stack's final row and sends its `stack.finished`; returns the outcome recorded (see `putFinalState`). */
async function finishStack(run: EngineRun, outcomes: Map<string, StackOutcome>, name: string, unmasked: StackOutcome | ExecutedStack): Promise<StackOutcome> {
  let finished = describeOutcome(run, name, maskOutcome(run, unmasked));
  const failedWrite = await run.putFinalState(name, finished.record);
  if (failedWrite !== undefined) {
    // What the row stood on (its saved plan) was not written: the stack fails, visibly, not a plan `apply --from-plan` would miss.
    const { messages: _messages, ...rest } = unmasked;
    const reason = `its plan could not be saved: ${describeError(failedWrite)}`;
    finished = describeOutcome(run, name, maskOutcome(run, { ...rest, status: 'failed', reason }));
    await run.putState(name, finished.record);
  }
  outcomes.set(name, finished.outcome);
  run.emit(finished.event);
  return finished.outcome;
}

/** A finished stack's outcome (for the result), its final row and its event. */
function describeOutcome(run: EngineRun, name: string, outcome: StackOutcome | ExecutedStack) {
  const messages = outcome.messages?.map((message) => run.masker.mask(message));
  const executed = 'logFile' in outcome ? outcome : undefined;
  const common: StackOutcome = {
    status: outcome.status,
    durationMs: outcome.durationMs,
    ...(outcome.reason === undefined ? {} : { reason: outcome.reason }),
    ...(outcome.exitCode === undefined ? {} : { exitCode: outcome.exitCode }),
  };
  const { record, event } = describeFinishedStack(
    run.options.runId,
    name,
    {
      ...common,
      ...(executed?.changes ? { changes: executed.changes } : {}),
      ...(executed ? { logFile: executed.logFile } : {}),
      ...(messages === undefined ? {} : { messages }),
    },
    { attempt: 1, at: run.now().toISOString() },
  );
  return { outcome: { ...common, ...(messages === undefined ? {} : { messages }) }, record, event };
}

/** The outcome is returned to the caller too, so its reason is masked like the event's and the record's. */
function maskOutcome(run: EngineRun, outcome: StackOutcome | ExecutedStack): StackOutcome | ExecutedStack {
  return outcome.reason === undefined ? outcome : { ...outcome, reason: run.masker.mask(outcome.reason) };
}
