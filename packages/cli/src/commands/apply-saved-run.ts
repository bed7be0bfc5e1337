import { describePlanChanges, isSamePlan, type SavedPlanRecord } from '@stackfleet/core';
import type { ChangedPlanAnswer, PlanResult, SavedPlanApply } from '@stackfleet/runner';
import type { CommandContext } from '../command-context.js';
import { writeLine } from '../io.js';
import type { Fleet } from '../manifest/read-manifest.js';
import { confirm, isInteractive } from './confirm.js';
import { executeRun, exitCodeFor, printApprovalHint, type ExecuteOptions, type RunFlags } from './execute-run.js';
import { cleanUpAfterRun } from './gc.js';
import { buildSavedRunPlan, readPendingApprovals, readSavedRun, savedPlanCommand, type SavedRun } from './saved-plans.js';

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
 * it such a stack stops there (its dependents are skipped). In a terminal
 * its new plan is held instead: the plan policies judge it at once (a deny
 * ends the stack `denied`: no answer could apply it), and once the run is
 * over both summaries are shown with what the policies say of the new plans;
 * on "y" the stacks still saved are applied in a further run, which accepts
 * exactly the plans shown (and holds, for the next question, a plan that
 * changed after that run's upstreams applied, or changed again). That "y"
 * counts as the prompt's approval of the stacks whose approvals it listed,
 * as the first question's does.
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
  options: Pick<ExecuteOptions, 'github' | 'policyContext' | 'fingerprintCache' | 'runtime' | 'caller'> & {
    plannedHere?: boolean;
    /** The plans the plan run's policies judged in this process: run policies judge them again with a stack's new plan. */
    judgedPlans?: SavedPlanApply['judgedPlans'];
  } = {},
): Promise<number> {
  const { plannedHere, judgedPlans, ...reporting } = options;
  const judged = judgedPlans === undefined ? {} : { judgedPlans };
  const command = savedPlanCommand(saved);
  // New runs executed here to their end: each stack removed its own plan files (see `cleanUpAfterRun`).
  const executed: { runId: string }[] = plannedHere ? [{ runId: saved.run.id }] : [];
  // A person can be asked after the run: a changed plan is held for that question (and judged by the policies meanwhile).
  const interactive = isInteractive(context);
  let changed: ChangedPlan[] = [];
  const holdOrRefuse = (stack: string, savedPlan: SavedPlanRecord, fresh: PlanResult): ChangedPlanAnswer => {
    changed.push({ stack, saved: savedPlan, fresh });
    return interactive ? 'later' : false;
  };
  let result = await executeRun(context, {
    fleet,
    plan: buildSavedRunPlan(context, fleet, saved),
    flags,
    ...withApprovals(approvedAtPrompt),
    ...reporting,
    fromPlan: {
      runId: saved.run.id,
      plans: saved.plans,
      ...(flags.autoApprove ? { acceptedBecause: '--auto-approve' } : {}),
      ...judged,
      approveChangedPlan: (stack, savedPlan, fresh) => flags.autoApprove || holdOrRefuse(stack, savedPlan, fresh),
    },
  });
  executed.push(result);
  await cleanUpAfterRun(context, fleet, ...executed);
  printApprovalHint(context, result);
  let approvals = new Set(approvedAtPrompt ?? []);
  let runApproved = false;
  const accepted = new Map<string, PlanResult>();
  for (;;) {
    // Held plans end `failed` (to ask about); a new plan the policies deny ends `denied`.
    const held = changed.filter((entry) => result.stacks.get(entry.stack)?.status === 'failed');
    if (held.length === 0 || !interactive) return exitCodeFor(command, result);
    const answer = await askAboutChangedPlans(context, fleet, saved, result.runId, held, changed);
    if (answer === undefined) return exitCodeFor(command, result);
    // Every plan shown is accepted as shown (a denied one is judged again, and stays unapplied).
    for (const entry of changed) accepted.set(entry.stack, entry.fresh);
    approvals = new Set([...approvals, ...answer.approved]);
    runApproved ||= answer.run;
    changed = [];
    const rest = await readSavedRun(context, fleet, saved.run.id, command);
    result = await executeRun(context, {
      fleet,
      plan: buildSavedRunPlan(context, fleet, rest),
      flags,
      ...withApprovals(approvals),
      ...(runApproved ? { runApprovedAtPrompt: true } : {}),
      fromPlan: {
        runId: rest.run.id,
        plans: rest.plans,
        acceptedBecause: 'your answer',
        ...judged,
        approveChangedPlan: (stack, savedPlan, fresh) => {
          const shown = accepted.get(stack);
          return (shown !== undefined && isSamePlan(shown, fresh)) || holdOrRefuse(stack, savedPlan, fresh);
        },
      },
    });
    executed.push(result);
    await cleanUpAfterRun(context, fleet, ...executed);
    printApprovalHint(context, result);
  }
}

/**
 * The question after a run that held changed plans: both summaries of each
 * held stack, then what the plan policies said of every new plan in that run
 * (`changed`: the denied ones too), as the first question shows it. Undefined
 * for anything but "yes"; else the stacks whose approvals the "yes" gives.
 */
async function askAboutChangedPlans(
  context: CommandContext,
  fleet: Fleet,
  saved: SavedRun,
  runId: string,
  held: readonly ChangedPlan[],
  changed: readonly ChangedPlan[],
): Promise<{ approved: ReadonlySet<string>; run: boolean } | undefined> {
  const out = context.io.stdout;
  const names = held.map((entry) => entry.stack).join(', ');
  writeLine(out, `These plans changed after their upstreams applied (run ${saved.run.id} saw old or mock outputs); held for your answer, nothing of them applied:`);
  for (const { stack, saved: before, fresh } of held) {
    writeLine(out, `  ${stack}: reviewed ${describePlanChanges(before)}, now ${describePlanChanges(fresh)}`);
    for (const resource of fresh.changes?.resources ?? []) writeLine(out, `    ${resource.action} ${resource.address}`);
  }
  const pending = await readPendingApprovals(context, fleet, runId, new Set(changed.map((entry) => entry.stack)));
  for (const line of pending.lines) writeLine(out, line);
  const verb = pending.stacks.size > 0 || pending.run ? 'Approve and apply' : 'Apply';
  if (!(await confirm(context, `${verb} the new plan(s) of ${names} and the stacks after them?`))) {
    writeLine(out, `Not applied. Review again with \`stackfleet plan\`, or later: stackfleet apply --from-plan ${saved.run.id}`);
    return undefined;
  }
  return { approved: pending.stacks, run: pending.run };
}

/** The run option for stacks approved at a prompt (none: no option). */
function withApprovals(approvedAtPrompt: ReadonlySet<string> | undefined): Pick<ExecuteOptions, 'approvedAtPrompt'> {
  return approvedAtPrompt && approvedAtPrompt.size > 0 ? { approvedAtPrompt } : {};
}
