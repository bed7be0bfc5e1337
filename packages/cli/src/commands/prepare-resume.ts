import { formatCount, isSamePlan, type StackRunRecord } from '@stackfleet/core';
import { prepareResumePlan, type SavedPlanApply } from '@stackfleet/runner';
import { isHolderGone, readThisHost } from '@stackfleet/state';
import type { CommandContext } from '../command-context.js';
import type { Fleet } from '../manifest/read-manifest.js';
import { openStore } from '../runtime/open-runtime.js';
import { resolveConcurrency, type ExecuteOptions } from './execute-run.js';
import { isJudgedByPolicies } from './plan-then-apply.js';

const RUN_POLICIES: ReadonlySet<'run'> = new Set(['run']);

/**
 * Everything `executeRun` needs to continue an interrupted or crashed run
 * (the runner's `prepareResumePlan` recovers it and builds the plan).
 * Undefined when there is nothing to resume (and no run id was given).
 */
export async function prepareResume(
  context: CommandContext,
  fleet: Fleet,
  runId: string | undefined,
  force: boolean,
): Promise<Pick<ExecuteOptions, 'fleet' | 'plan' | 'flags' | 'runCommand' | 'resume' | 'savePlans' | 'fromPlan'> | undefined> {
  const store = openStore(fleet, context.io.env);
  const thisHost = readThisHost();
  const resumed = await prepareResumePlan(
    store,
    { graph: fleet.graph, manifest: fleet.loaded.manifest },
    {
      ...(runId === undefined ? {} : { runId }),
      force,
      stateDir: fleet.stateDir,
      isHolderGone: (lock) => isHolderGone(lock.host, lock.pid, thisHost),
      plan: {
        concurrency: resolveConcurrency(context, fleet),
        limits: fleet.loaded.manifest.settings.limits,
        failFast: Boolean(context.global.failFast),
      },
    },
  ).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  if (!resumed) {
    await store.close();
    return undefined;
  }
  const { plan, resume } = resumed;
  // An `apply --from-plan` run goes on applying what was reviewed, never fresh plans: a plan that changed is refused unless
  // the run accepted it before (`acceptChangedPlans`).
  const fromPlanRun = typeof resumed.selection.fromPlan === 'string' ? resumed.selection.fromPlan : undefined;
  const [savedPlans, rows] =
    fromPlanRun === undefined ? [[], []] : await Promise.all([store.listSavedPlans(fromPlanRun), store.listStackRuns(resume.runId)]).finally(() => store.close());
  if (fromPlanRun === undefined) await store.close();
  // A plan run's run policies judge all of its plans together once the last is made, and the plans of an earlier
  // attempt are held nowhere: judged over the rest alone, the run could pass what it as a whole would not. Every
  // stack is planned again (a plan changes nothing).
  if (plan.command === 'plan' && resume.alreadyDone.size > 0 && (await isJudgedByPolicies(context, fleet, plan, RUN_POLICIES))) {
    context.note(`run policies judge the plans of run ${resume.runId} together: planning all of its stacks again`);
    resume.alreadyDone.clear();
  }
  const approveChangedPlan = acceptChangedPlans(resumed.selection.autoApprove === true, rows);
  context.note(`resuming run ${resume.runId} (${plan.command}): ${resume.alreadyDone.size} of ${formatCount(plan.stacks.length, 'stack')} already done`);
  return {
    fleet,
    plan,
    // The flags as the run recorded them.
    flags: resumed.selection,
    ...(resumed.runCommand ? { runCommand: resumed.runCommand } : {}),
    resume,
    ...(resumed.selection.save === true ? { savePlans: true } : {}),
    ...(fromPlanRun === undefined
      ? {}
      : { fromPlan: { runId: fromPlanRun, plans: new Map(savedPlans.map((record) => [record.stack, record])), approveChangedPlan } }),
  };
}

/**
 * Whether the resumed run applies a stack's re-plan that differs from its
 * saved plan (planned before its upstreams applied). The run accepted such
 * plans when it was started with `--auto-approve`; and a stack that stopped
 * `awaiting_approval` got there only with its changed plan accepted (by
 * that flag, or by the person at the terminal) and judged by the policies,
 * so the same plan again is what its approvers approved. Either way the
 * policies judge the new plan again, with the approvals the run holds now.
 * Anything else changed is refused: plan again.
 */
export function acceptChangedPlans(autoApprove: boolean, rows: readonly StackRunRecord[]): SavedPlanApply['approveChangedPlan'] {
  const judged = new Map(rows.filter((row) => row.state === 'awaiting_approval').map((row) => [row.stack, row.changes]));
  return (stack, _saved, fresh) => {
    if (autoApprove) return true;
    if (!judged.has(stack)) return false;
    const changes = judged.get(stack);
    return isSamePlan({ hasChanges: true, ...(changes ? { changes } : {}) }, fresh);
  };
}
