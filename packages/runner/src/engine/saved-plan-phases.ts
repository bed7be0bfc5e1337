import { chmod, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  compareSavedPlan,
  describePlanChanges,
  isSamePlan,
  savedPlanFile,
  StackfleetError,
  type SavedPlanRecord,
} from '@stackfleet/core';
import { createDigestSalt, digestPlanFile } from '../saved-plans/fingerprint-stack.js';
import { locateSavedPlanFile } from '../saved-plans/locate-saved-plan-file.js';
import type { JudgedPlan } from '../saved-plans/fingerprint-stack.js';
import type { PlanResult } from '../stack-runner/types.js';
import type { PolicyStop } from './check-policies.js';
import type { PhaseContext, PhasesResult } from './stack-phases.js';
import type { SavedPlanApply } from './types.js';

/** The plan and apply steps of `stack-phases`, passed in (they import this file). */
export interface PlanAndApply {
  plan: (context: PhaseContext) => Promise<PlanResult>;
  /**
   * `earlier`: the plan run's check of this same plan, in this process (see `JudgedPlan`).
   * `replanned`: a new plan in place of the saved one, which the run policies judge again too.
   */
  apply: (context: PhaseContext, plan: PlanResult | undefined, earlier?: JudgedPlan, replanned?: boolean) => Promise<PhasesResult>;
  /** The plan and run policies' verdict on a new plan held for a question after the run (reported as any check); undefined: allowed. */
  judgeForQuestion: (context: PhaseContext, plan: PlanResult) => Promise<PolicyStop | undefined>;
  markPlanned: (context: PhaseContext, plan: PlanResult) => Promise<void>;
  /** Nothing to apply (`inFlight`: its apply was running when the run stopped). */
  keepUnchanged: (context: PhaseContext, inFlight: boolean, reason: string) => Promise<PhasesResult>;
}

/**
 * `plan --save`: keeps what `apply --from-plan` needs. The terraform plan
 * file moves to `runs/<run>/plans/` (0600, in a 0700 directory; `work/`'s
 * plan files are removed when the stack ends), and the store keeps a copy,
 * sealed with the state key, with its digest in the record, for an apply on
 * another machine (a later CI job); a plan without changes keeps no file,
 * since applying it would do nothing.
 */
export async function saveStackPlan(context: PhaseContext, plan: PlanResult): Promise<SavedPlanRecord> {
  const { run, name, execution } = context;
  const { options } = run;
  const salt = createDigestSalt();
  let planFile: string | undefined;
  let bytes: Buffer | undefined;
  if (plan.planFile !== undefined && plan.hasChanges) {
    planFile = savedPlanFile(options.stateDir, options.runId, name);
    await mkdir(dirname(planFile), { recursive: true, mode: 0o700 });
    await rename(plan.planFile, planFile);
    await chmod(planFile, 0o600);
    bytes = await readFile(planFile);
  }
  const repo = options.manifest.stacks[name]?.repo ?? '';
  const record: SavedPlanRecord = {
    runId: options.runId,
    stack: name,
    runner: execution.stack.runner,
    hasChanges: plan.hasChanges,
    ...(plan.changes ? { changes: plan.changes } : {}),
    ...(planFile === undefined ? {} : { planFile }),
    ...(bytes === undefined ? {} : { planFileDigest: digestPlanFile(salt, bytes) }),
    repo,
    repoSha: options.repoShas?.[repo] ?? '',
    salt,
    digests: await context.fingerprint(salt),
    createdAt: run.now().toISOString(),
  };
  // The row goes with the stack's final row, in one commit; one with a plan file is written now: sealing it
  // with the state key can fail (an unreadable key file), and does so before its plan is judged.
  if (bytes !== undefined || !run.writeWithFinalState(name, () => options.store.putSavedPlan(record))) await options.store.putSavedPlan(record, bytes);
  return record;
}

/**
 * `apply --from-plan`: one stack's saved plan, checked, then applied as it
 * was reviewed (see `SavedPlanApply`). The check runs when the stack's turn
 * comes, so upstreams applied earlier in this run are already in its inputs.
 */
export async function applySavedPlan(context: PhaseContext, fromPlan: SavedPlanApply, steps: PlanAndApply): Promise<PhasesResult> {
  const { run, name, execution } = context;
  const saved = fromPlan.plans.get(name);
  if (saved === undefined) {
    throw new StackfleetError('E_SAVED_PLAN_MISSING', `run ${fromPlan.runId} saved no plan for ${name}; plan again with \`stackfleet plan --save\``);
  }
  const differences = compareSavedPlan(saved, {
    digests: await context.fingerprint(saved.salt),
    repoSha: run.options.repoShas?.[saved.repo] ?? '',
  });
  if (differences.stale.length > 0) {
    throw new StackfleetError(
      'E_PLAN_STALE',
      `stale: ${differences.stale.join(', ')} changed since run ${fromPlan.runId} was planned; review a new plan with \`stackfleet plan --save\``,
    );
  }

  let result: PhasesResult;
  let usedPlanFile: string | undefined;
  // Its apply was running when the run stopped (resume): it may have completed, and a saved plan
  // applied a second time is stale to terraform. What is left to do is planned again.
  const inFlight = saved.hasChanges && run.options.refreshOutputs?.has(name) === true;
  if (differences.upstreams.length > 0 || inFlight) {
    const upstreams = differences.upstreams.join(', ');
    execution.onLine(
      'stderr',
      inFlight
        ? `stackfleet: ${name} was applying run ${fromPlan.runId}'s plan when the run stopped; planning again`
        : `stackfleet: run ${fromPlan.runId} planned ${name} with other outputs of ${upstreams} (old or mock values); planning again`,
    );
    const fresh = await steps.plan(context);
    // Nothing left to change (the apply completed before the run stopped, or the same change was made
    // elsewhere): there is nothing to approve.
    if (!fresh.hasChanges && saved.hasChanges) {
      execution.onLine('stderr', `stackfleet: the changes of ${name}'s saved plan (${describePlanChanges(saved)}) are already in place`);
    } else if (!isSamePlan(saved, fresh)) {
      const both = `saved plan: ${describePlanChanges(saved)}; new plan: ${describePlanChanges(fresh)}`;
      const after = upstreams === '' ? 'the run stopped' : `${upstreams} applied`;
      const answer = await fromPlan.approveChangedPlan(name, saved, fresh);
      if (answer === 'later') {
        // No answer could apply a plan the policies deny; anything else is asked about once the run is over.
        const stop = await steps.judgeForQuestion(context, fresh);
        if (stop?.status === 'denied') return { ...stop, reason: `new plan ${stop.reason}` };
        throw new StackfleetError('E_PLAN_CHANGED', `plan changed after ${after} (${both}); not applied yet: asked about once this run is over`);
      }
      if (!answer) {
        throw new StackfleetError(
          'E_PLAN_CHANGED',
          `plan changed after ${after} (${both}); not applied without a fresh approval: review it with \`stackfleet plan\` (or apply with --auto-approve)`,
        );
      }
      // Accepted is not approved: the plan policies judge the new plan before it is applied (and may still stop it).
      const because = fromPlan.acceptedBecause === undefined ? '' : ` (${fromPlan.acceptedBecause})`;
      const judged = run.options.policyGate === undefined ? '' : '; the policies judge it before it is applied';
      execution.onLine('stderr', `stackfleet: the new plan of ${name} differs (${both}); accepted${because}${judged}`);
    }
    result = fresh.hasChanges ? await steps.apply(context, fresh, undefined, true) : await steps.keepUnchanged(context, inFlight, 'new plan has no changes');
  } else {
    await steps.markPlanned(context, { hasChanges: saved.hasChanges, ...(saved.changes ? { changes: saved.changes } : {}) });
    if (!saved.hasChanges) {
      result = await steps.keepUnchanged(context, false, `saved plan of run ${fromPlan.runId} has no changes`);
    } else {
      // Planned on another machine (a PR's CI job): the file comes back from the store.
      const located = await locateSavedPlanFile({ store: run.options.store, stateDir: run.options.stateDir, saved });
      usedPlanFile = located?.path;
      const earlier = judgedInThisProcess(context, saved);
      // Policies judge the plan that is applied: terraform's is read back from its file (only when a gate asks), or
      // taken from the plan run of this process, whose file has the digest just checked (`locateSavedPlanFile`).
      const show =
        located === undefined || !run.options.policyGate || !context.adapter.showPlan
          ? undefined
          : earlier !== undefined && 'show' in earlier.plan
            ? earlier.plan.show
            : await context.adapter.showPlan(execution, located.path);
      result = await steps.apply(
        context,
        {
          hasChanges: true,
          ...(saved.changes ? { changes: saved.changes } : {}),
          ...(located ? { planFile: located.path, initBeforeApply: located.fromOtherCheckout } : {}),
          ...(show === undefined ? {} : { show }),
        },
        earlier,
      );
    }
  }
  // Denied or awaiting approval: the plan stays saved, so `approve` + `resume` can still apply it.
  if (result.status === 'denied' || result.status === 'awaiting_approval') return result;
  // Applied (or nothing to apply): the plan, and the secrets in its file, are no longer needed. The
  // row goes with the stack's final row, in one commit (a crash between leaves a row whose file is
  // gone: resume plans such a stack again, and the store keeps a sealed copy of the plan anyway).
  run.deferUntilFinished(name, () => run.options.store.deleteSavedPlan(fromPlan.runId, name));
  for (const file of new Set([saved.planFile, usedPlanFile])) if (file !== undefined) await rm(file, { force: true });
  return result;
}

/**
 * The plan run of this process judged exactly this saved plan: the same run,
 * and the same plan file digest (checked against the file's bytes before
 * this is asked), or no file at all (a command stack).
 */
function judgedInThisProcess(context: PhaseContext, saved: SavedPlanRecord): JudgedPlan | undefined {
  const judged = context.run.options.fingerprintCache?.judged.get(context.name);
  if (judged === undefined || judged.runId !== saved.runId || judged.planFileDigest !== saved.planFileDigest) return undefined;
  return saved.planFile === undefined || saved.planFileDigest !== undefined ? judged : undefined;
}
