import { isDeepStrictEqual } from 'node:util';
import { StackfleetError, type ChangeSummary, type Outputs, type StackStatus } from '@stackfleet/core';
import { sensitiveOutputValues } from '../mask/mask-deep.js';
import { sealSecretOutputs } from '../mask/seal-secret-outputs.js';
import { removeCompletedApplyOutputs } from '../stack-runner/completed-apply.js';
import type { PlanResult, StackExecution, StackRunnerAdapter } from '../stack-runner/types.js';
import type { EngineRun } from './engine-run.js';
import type { JudgedPlan } from '../saved-plans/fingerprint-stack.js';
import { checkStackPolicies, toPlanEvidence, type CheckAcrossRuns } from './check-policies.js';
import { checkRunPoliciesAgain } from './check-run-policies-again.js';
import { runWithRetries } from './run-with-retries.js';
import { applySavedPlan, saveStackPlan, type PlanAndApply } from './saved-plan-phases.js';

export interface PhaseContext {
  run: EngineRun;
  name: string;
  execution: StackExecution;
  adapter: StackRunnerAdapter;
  startedAt: Date;
  logFile: string;
  resetAttemptLines: () => void;
  attemptLines: () => readonly string[];
  onChanges: (changes: ChangeSummary) => void;
  /** Throws `E_LOCK_LOST` when the stack's lock is no longer ours; run before each phase. @default no lock */
  assertLockHeld?: () => Promise<void>;
  /** Throws when an upstream input is still mocked (apply refuses mocks). @default no check */
  assertInputsApplicable?: () => void;
  /** Values policies must never see: this stack's secrets and sensitive upstream outputs. @default [] */
  policySecrets?: readonly unknown[];
  /** What the stack's plan is made from now, as salted digests (`fingerprintStack`): saved plans record and compare it. */
  fingerprint: (salt: string) => Promise<Record<string, string>>;
}

export interface PhasesResult {
  status: StackStatus;
  reason?: string;
  /** denied / awaiting_approval: the policies' messages. */
  messages?: string[];
}

/** The phases of the run's command for one stack: plan, apply (plan first), destroy, or `run -- CMD`. */
export async function runStackPhases(context: PhaseContext): Promise<PhasesResult> {
  switch (context.run.command) {
    case 'plan': {
      // No `planned` row: the stack's final row (with the changes) follows at once.
      const plan = await planStack(context, { row: false });
      const saved = context.run.options.savePlans ? await saveStackPlan(context, plan) : undefined;
      if (!plan.hasChanges) return { status: 'unchanged' };
      // A plan applies nothing: only a deny marks the stack; a pending approval is shown, not waited for.
      const stop = await checkPolicies(context, plan, saved === undefined ? {} : { keep: keepJudgedPlan(context, saved, plan) });
      return stop?.status === 'denied' ? stop : { status: 'changed' };
    }
    case 'drift':
      return checkDrift(context);
    case 'apply': {
      const fromPlan = context.run.options.fromPlan;
      return fromPlan ? applySavedPlan(context, fromPlan, SAVED_PLAN_STEPS) : applyStack(context);
    }
    case 'destroy': {
      const fromPlan = context.run.options.fromPlan;
      if (fromPlan === undefined) return context.run.options.judgeDestroyPlans ? destroyJudgedStack(context) : destroyStack(context);
      // A saved destroy plan (`plan -destroy -out`), judged by the plan policies again, then applied as it was planned.
      const result = await applySavedPlan(context, fromPlan, SAVED_DESTROY_STEPS);
      if (result.status === 'unchanged') await forgetOutputs(context);
      return result;
    }
    case 'run':
      return runCommandInStack(context);
  }
}

async function applyStack(context: PhaseContext): Promise<PhasesResult> {
  const { run, name, adapter, execution } = context;
  let plan: PlanResult | undefined;
  if (adapter.hasPlanPhase(execution.stack)) {
    plan = await planStack(context);
    if (!plan.hasChanges) return keepUnchanged(context, run.options.refreshOutputs?.has(name) === true, 'plan has no changes');
  }
  // Between the plan and the apply: a denied stack or one awaiting approval is not applied.
  const stop = await checkPolicies(context, plan);
  if (stop !== undefined) return stop;
  return applyPlan(context, plan);
}

function checkPolicies(context: PhaseContext, plan: PlanResult | undefined, across: CheckAcrossRuns = {}, forQuestion = false) {
  const { signal, forceSignal } = context.execution;
  const signals = { signal, ...(forceSignal ? { forceSignal } : {}), ...(forQuestion ? { forQuestion } : {}) };
  return checkStackPolicies(context.run, context.name, toPlanEvidence(context.execution.stack.runner, plan), context.policySecrets ?? [], across, signals);
}

/**
 * A saved plan's check, kept for the run that applies it in this process
 * (only with the cache the two runs share, and for terraform only with the
 * `show -json` the policies saw: never an empty stand-in).
 */
function keepJudgedPlan(context: PhaseContext, saved: { runId: string; planFileDigest?: string }, plan: PlanResult): CheckAcrossRuns['keep'] {
  const judged = context.run.options.fingerprintCache?.judged;
  if (judged === undefined || (context.execution.stack.runner !== 'command' && plan.show === undefined)) return undefined;
  return (check) => judged.set(context.name, { runId: saved.runId, ...(saved.planFileDigest === undefined ? {} : { planFileDigest: saved.planFileDigest }), ...check });
}

/** Plans; with `remediation` and the caller's consent, applies that same plan at once. */
async function checkDrift(context: PhaseContext): Promise<PhasesResult> {
  const plan = await planStack(context);
  if (!plan.hasChanges) return { status: 'unchanged' };
  const remediation = context.run.options.remediation;
  if (!remediation?.stacks.has(context.name) || !(await remediation.decide(context.name, plan))) return { status: 'changed' };
  // A remediation is an apply: the same policies stand between its plan and it (input.run.type drift).
  const stop = await checkPolicies(context, plan);
  if (stop !== undefined) {
    remediation.refuse?.(context.name, `remediation ${stop.reason}`);
    return { status: 'changed', reason: `remediation ${stop.reason}`, messages: stop.messages };
  }
  context.assertInputsApplicable?.();
  return { ...(await applyPlan(context, plan)), reason: 'drift remediated' };
}

async function applyPlan(context: PhaseContext, plan: PlanResult | undefined): Promise<PhasesResult> {
  const { run, name, adapter, execution } = context;
  await putPhaseState(context, 'applying', 'apply', 1, plan?.changes);
  const previous = await run.options.store.getOutputs(name);
  const applied = await withRetries(context, 'apply', () => adapter.apply(execution, plan));
  const outputs = await storeOutputs(context, applied.outputs);
  run.outputsChanged.set(name, !isDeepStrictEqual(previous?.outputs, outputs));
  return { status: 'succeeded' };
}

/**
 * A stack with nothing to apply. Its outputs are read again (terraform and
 * tofu: `output -json`) when its apply was in flight when the run stopped
 * (`inFlight`: resume; the apply completed, and its outputs are this run's),
 * or when the store has none (the apply that made them was cut off before
 * they were stored, or the state directory was lost): dependents would
 * otherwise see the stack as never applied. (A command stack reports its
 * outputs only by applying, and a plan without changes skips its apply:
 * SPEC §3.)
 */
async function keepUnchanged(context: PhaseContext, inFlight: boolean, reason: string): Promise<PhasesResult> {
  const { run, name, adapter, execution } = context;
  const previous = adapter.readOutputs ? await run.options.store.getOutputs(name) : undefined;
  if (!adapter.readOutputs || (!inFlight && previous !== undefined)) {
    run.outputsChanged.set(name, false);
    return { status: 'unchanged', reason };
  }
  const outputs = await storeOutputs(context, (await adapter.readOutputs(execution)) ?? previous?.outputs ?? {});
  run.outputsChanged.set(name, !isDeepStrictEqual(previous?.outputs, outputs));
  if (inFlight) return { status: 'succeeded', reason: 'apply completed before the run stopped; outputs read again' };
  return { status: 'unchanged', reason: `${reason}; its outputs were not recorded: read them` };
}

/**
 * Stores a stack's new outputs: its sensitive values join the run's masker
 * first, then any output carrying a secret or sensitive value is sealed.
 */
async function storeOutputs(context: PhaseContext, applied: Outputs): Promise<Outputs> {
  const { run, name } = context;
  run.masker.add(sensitiveOutputValues(applied));
  const outputs = sealSecretOutputs(applied, run.masker);
  run.masker.add(sensitiveOutputValues(outputs));
  await run.options.store.setOutputs(name, outputs, run.options.runId);
  // An apply that wrote no outputs left nothing in clear text to remove (most short command stacks).
  if (Object.keys(applied).length > 0) await removeCompletedApplyOutputs(context.execution.workDir, name);
  run.freshOutputs.set(name, outputs);
  return outputs;
}

async function planStack(context: PhaseContext, recording: PlannedRecording = {}): Promise<PlanResult> {
  const { adapter, execution } = context;
  await putPhaseState(context, 'running', 'plan', 1);
  const plan = await withRetries(context, 'plan', () => adapter.plan(execution));
  await markPlanned(context, plan, recording);
  return plan;
}

/**
 * `row: false` where the stack's next row follows at once and carries the
 * changes (the final row of a `plan` run; a saved plan's `applying` or final
 * row): `planned` is a transient state nothing reads back (resume runs a
 * `running` and a `planned` stack alike), and each row is a store
 * transaction. The event is always sent.
 */
interface PlannedRecording {
  row?: boolean;
}

/** Records and announces a plan: made just now, or read from a saved plan. */
async function markPlanned(context: PhaseContext, plan: PlanResult, recording: PlannedRecording = {}): Promise<void> {
  const { run, name } = context;
  if (plan.changes) context.onChanges(plan.changes);
  if (recording.row !== false) await putPhaseState(context, 'planned', 'plan', 1, plan.changes);
  run.emit({
    type: 'stack.planned',
    runId: run.options.runId,
    stack: name,
    hasChanges: plan.hasChanges,
    ...(plan.changes ? { changes: plan.changes } : {}),
    at: run.now().toISOString(),
  });
}

/** A saved plan is applied as any other: only after the plan policies (and, for a new plan, the run policies again) let it through. */
async function applyCheckedPlan(context: PhaseContext, plan: PlanResult | undefined, earlier?: JudgedPlan, replanned = false): Promise<PhasesResult> {
  const stop = await checkSavedPlanPolicies(context, plan, earlier, replanned);
  return stop ?? applyPlan(context, plan);
}

async function checkSavedPlanPolicies(context: PhaseContext, plan: PlanResult | undefined, earlier: JudgedPlan | undefined, replanned: boolean, forQuestion = false) {
  const stop = await checkPolicies(context, plan, earlier === undefined ? {} : { earlier }, forQuestion);
  if (stop !== undefined || !replanned) return stop;
  const { signal, forceSignal } = context.execution;
  const signals = { signal, ...(forceSignal ? { forceSignal } : {}), ...(forQuestion ? { forQuestion } : {}) };
  return checkRunPoliciesAgain(context.run, context.name, signals, (line) => context.execution.onLine('stderr', line));
}

// A saved plan read back is announced without a `planned` row: the plan run wrote one's worth (its final row, with the changes).
const markSavedPlanned = (context: PhaseContext, plan: PlanResult) => markPlanned(context, plan, { row: false });
// A changed plan held for the question after the run: judged (and reported) so the question can say what policies want.
const judgeForQuestion = (context: PhaseContext, plan: PlanResult) => checkSavedPlanPolicies(context, plan, undefined, true, true);
const SAVED_PLAN_STEPS: PlanAndApply = {
  plan: (context) => planStack(context),
  apply: applyCheckedPlan,
  judgeForQuestion,
  markPlanned: markSavedPlanned,
  keepUnchanged,
};

async function destroyStack(context: PhaseContext, plan?: PlanResult): Promise<PhasesResult> {
  const { adapter, execution } = context;
  await putPhaseState(context, 'applying', 'destroy', 1, plan?.changes);
  await withRetries(context, 'destroy', () => adapter.destroy(execution, plan));
  await forgetOutputs(context);
  return { status: 'succeeded' };
}

/** Destroyed (or nothing left to destroy): the stack has no outputs any more. */
async function forgetOutputs(context: PhaseContext): Promise<void> {
  await context.run.options.store.deleteOutputs(context.name);
  context.run.freshOutputs.delete(context.name);
}

/** A saved destroy plan is destroyed only after the plan policies (and, for a new plan, the run policies again) let it through. */
async function destroyCheckedPlan(context: PhaseContext, plan: PlanResult | undefined, earlier?: JudgedPlan, replanned = false): Promise<PhasesResult> {
  const stop = await checkSavedPlanPolicies(context, plan, earlier, replanned);
  return stop ?? destroyStack(context, plan);
}

// Nothing left to destroy: the caller forgets the stack's outputs.
const SAVED_DESTROY_STEPS: PlanAndApply = {
  plan: (context) => planStack(context),
  apply: destroyCheckedPlan,
  judgeForQuestion,
  markPlanned: markSavedPlanned,
  keepUnchanged: unchangedAsIs,
};

async function unchangedAsIs(context: PhaseContext, _inFlight: boolean, reason: string): Promise<PhasesResult> {
  context.run.outputsChanged.set(context.name, false);
  return { status: 'unchanged', reason };
}

/** `judgeDestroyPlans`: the destroy planned here, judged, and exactly that plan destroyed (nothing to destroy: no outputs any more). */
async function destroyJudgedStack(context: PhaseContext): Promise<PhasesResult> {
  const plan = await planStack(context);
  if (!plan.hasChanges) {
    await forgetOutputs(context);
    return { status: 'unchanged', reason: 'nothing to destroy' };
  }
  return destroyCheckedPlan(context, plan);
}

async function runCommandInStack(context: PhaseContext): Promise<PhasesResult> {
  const argv = context.run.options.runCommand;
  if (!argv || argv.length === 0) {
    throw new StackfleetError('E_RUN_COMMAND_MISSING', 'run: no command given', {
      hint: 'put the command after `--`, e.g. `stackfleet run -- terraform fmt -check`',
    });
  }
  await putPhaseState(context, 'running', 'run', 1);
  await context.adapter.runCommand(context.execution, argv);
  return { status: 'succeeded' };
}

function withRetries<T>(context: PhaseContext, phase: 'plan' | 'apply' | 'destroy', attempt: () => Promise<T>): Promise<T> {
  context.resetAttemptLines();
  return runWithRetries(attempt, {
    retries: context.execution.stack.retries,
    signal: context.execution.signal,
    linesOfLastAttempt: context.attemptLines,
    onRetry: (attemptNumber, delayMs, matched) => {
      context.execution.onLine(
        'stderr',
        `stackfleet: ${phase} failed with output matching "${matched}"; attempt ${attemptNumber} of ${context.execution.stack.retries.attempts} in ${delayMs}ms`,
      );
      context.resetAttemptLines();
      return putPhaseState(context, phase === 'plan' ? 'running' : 'applying', phase, attemptNumber);
    },
  });
}

async function putPhaseState(
  context: PhaseContext,
  state: 'running' | 'planned' | 'applying',
  phase: 'plan' | 'apply' | 'destroy' | 'run',
  attempt: number,
  changes?: ChangeSummary,
): Promise<void> {
  // A phase (or attempt) starts here: never on a lock that was taken from us.
  if (state !== 'planned') await context.assertLockHeld?.();
  return context.run.putState(context.name, {
    state,
    phase,
    attempt,
    startedAt: context.startedAt.toISOString(),
    logFile: context.logFile,
    ...(changes ? { changes } : {}),
  });
}
