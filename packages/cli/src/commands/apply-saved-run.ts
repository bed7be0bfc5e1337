import { describePlanChanges, isSamePlan, type SavedPlanRecord } from '@stackfleet/core';
import type { PlanResult } from '@stackfleet/runner';
import type { CommandContext } from '../command-context.js';
import { writeLine } from '../io.js';
import type { Fleet } from '../manifest/read-manifest.js';
import { confirm, isInteractive } from './confirm.js';
import { executeRun, exitCodeFor, printApprovalHint, type ExecuteOptions, type RunFlags } from './execute-run.js';
import { cleanUpAfterRun } from './gc.js';
import { buildSavedRunPlan, readSavedRun, savedPlanCommand, type SavedRun } from './saved-plans.js';

/** A stack whose new plan (made after its upstreams applied) differs from the reviewed one. */
interface ChangedPlan {
  stack: string;
  saved: SavedPlanRecord;
  fresh: PlanResult;
}

/**
 * Applies a run's saved plans (`apply --from-plan`, and the second half of
 * `apply` or `destroy` when they plan first: see plan-then-apply.ts). `--auto-approve` accepts a plan that changed
 * after its upstreams applied; it never overrides a stale refusal. Without
 * it such a stack stops there (its dependents are skipped); in a terminal,
 * once the run is over, both summaries are shown and, on "y", the stacks
 * still saved are applied in a second run, which accepts exactly the plans
 * shown (one that changed yet again is refused again).
 */
export async function applySavedRun(
  context: CommandContext,
  fleet: Fleet,
  flags: RunFlags,
  saved: SavedRun,
  /** Stacks whose pending policy approvals were given at the prompt. */
  approvedAtPrompt?: ReadonlySet<string>,
  /**
   * Reporting, and what the plan run read in this process (its fingerprints' reads, its runtime).
   * `plannedHere`: the plan run ran to its end in this process (an apply that plans first), so the
   * cleanup after need not look into its work directories either.
   */
  options: Pick<ExecuteOptions, 'github' | 'policyContext' | 'fingerprintCache' | 'runtime'> & { plannedHere?: boolean } = {},
): Promise<number> {
  const { plannedHere, ...reporting } = options;
  // New runs executed here to their end: each stack removed its own plan files (see `cleanUpAfterRun`).
  const executedHere = plannedHere ? [{ runId: saved.run.id }] : [];
  const changed: ChangedPlan[] = [];
  const approvals = approvedAtPrompt && approvedAtPrompt.size > 0 ? { approvedAtPrompt } : {};
  const result = await executeRun(context, {
    fleet,
    plan: buildSavedRunPlan(context, fleet, saved),
    flags,
    ...approvals,
    ...reporting,
    fromPlan: {
      runId: saved.run.id,
      plans: saved.plans,
      approveChangedPlan: (stack, savedPlan, fresh) => {
        if (flags.autoApprove) return true;
        changed.push({ stack, saved: savedPlan, fresh });
        return false;
      },
    },
  });
  await cleanUpAfterRun(context, fleet, ...executedHere, result);
  printApprovalHint(context, result);
  if (changed.length === 0 || !isInteractive(context)) return exitCodeFor(savedPlanCommand(saved), result);

  const out = context.io.stdout;
  writeLine(out, `These plans changed after their upstreams applied (run ${saved.run.id} saw old or mock outputs):`);
  for (const { stack, saved: before, fresh } of changed) {
    writeLine(out, `  ${stack}: reviewed ${describePlanChanges(before)}, now ${describePlanChanges(fresh)}`);
    for (const resource of fresh.changes?.resources ?? []) writeLine(out, `    ${resource.action} ${resource.address}`);
  }
  if (!(await confirm(context, `Apply the new plan(s) of ${changed.map((entry) => entry.stack).join(', ')} and the stacks after them?`))) {
    writeLine(out, `Not applied. Review again with \`stackfleet plan\`, or later: stackfleet apply --from-plan ${saved.run.id}`);
    return exitCodeFor(savedPlanCommand(saved), result);
  }
  const approved = new Map(changed.map((entry) => [entry.stack, entry.fresh]));
  const rest = await readSavedRun(context, fleet, saved.run.id, savedPlanCommand(saved));
  const second = await executeRun(context, {
    fleet,
    plan: buildSavedRunPlan(context, fleet, rest),
    flags,
    ...approvals,
    fromPlan: {
      runId: rest.run.id,
      plans: rest.plans,
      approveChangedPlan: (stack, _saved, fresh) => {
        const shown = approved.get(stack);
        return shown !== undefined && isSamePlan(shown, fresh);
      },
    },
  });
  await cleanUpAfterRun(context, fleet, ...executedHere, result, second);
  return exitCodeFor(savedPlanCommand(saved), second);
}
