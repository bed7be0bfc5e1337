import { formatCount } from '@stackfleet/core';
import { prepareResumePlan } from '@stackfleet/runner';
import { isHolderGone, readThisHost } from '@stackfleet/state';
import type { CommandContext } from '../command-context.js';
import type { Fleet } from '../manifest/read-manifest.js';
import { openStore } from '../runtime/open-runtime.js';
import { resolveConcurrency, type ExecuteOptions } from './execute-run.js';

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
  // An `apply --from-plan` run goes on applying what was reviewed (a plan that changed is refused), never fresh plans.
  const fromPlanRun = typeof resumed.selection.fromPlan === 'string' ? resumed.selection.fromPlan : undefined;
  const savedPlans = fromPlanRun === undefined ? [] : await store.listSavedPlans(fromPlanRun).finally(() => store.close());
  if (fromPlanRun === undefined) await store.close();
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
      : { fromPlan: { runId: fromPlanRun, plans: new Map(savedPlans.map((record) => [record.stack, record])), approveChangedPlan: () => false } }),
  };
}
