import { StackfleetError, type RunRecord, type RunStatus } from '@stackfleet/core';
import type { CommandContext } from '../command-context.js';
import { writeLine } from '../io.js';
import type { Fleet } from '../manifest/read-manifest.js';
import { openStore } from '../runtime/open-runtime.js';
import { awaitsRunApproval } from './awaits-run-approval.js';
import { executeRun, exitCodeFor, printApprovalHint, type RunFlags } from './execute-run.js';
import { prepareResume } from './prepare-resume.js';
import { announceSavedPlan, applyFromPlan, destroyFromPlan } from './run-commands.js';

/**
 * `stackfleet resume [RUN] [--force]`: continue an interrupted or crashed
 * run. Stacks that finished are not run again; a stack whose apply was in
 * flight runs again only once its lock is free (the engine's lock acquisition
 * waits for the lease to expire or finds the holder dead), or at once with
 * --force. A run queued with `--remote` (or any run, with `--remote`) goes
 * back to the workers: followed again while they are still on it, else its
 * unfinished stacks are queued again. The plan run of an `apply` (or a
 * `destroy`) that run policies stopped for an approval is continued by
 * applying its plans (`apply --from-plan`, or the destroy of exactly its
 * saved destroy plans: `destroyFromPlan`), which judges them again.
 */
export async function runResumeCommand(
  context: CommandContext,
  options: { force?: boolean; runType?: RunFlags['runType']; remote?: boolean },
  args: string[],
): Promise<number> {
  const fleet = context.readFleet();
  const waiting = args[0] === undefined ? undefined : await readPlanAwaitingRunApproval(context, fleet, args[0]);
  // An apply or destroy stopped at its plan run for a run policy's approval goes on as it would have: applying those plans.
  if (waiting !== undefined) return waiting.selection['destroy'] === true ? destroyFromPlan(context, waiting.id) : applyFromPlan(context, {}, waiting.id);
  const prepared = await prepareResume(context, fleet, args[0], Boolean(options.force));
  if (!prepared) {
    writeLine(context.io.stdout, await describeNothingToResume(fleet, context.io.env));
    return 0;
  }
  // A run queued with --remote is resumed on workers (its flags say so); --remote sends a local one there too.
  const flags = { ...prepared.flags, ...(options.runType === undefined ? {} : { runType: options.runType }), ...(options.remote ? { remote: true } : {}) };
  const result = await executeRun(context, { ...prepared, flags });
  printApprovalHint(context, result);
  // A resumed `plan --save` (or an interactive apply's planning, cut off by Ctrl-C) says, like plan --save, which run to apply.
  if (prepared.savePlans && prepared.plan.command === 'plan') {
    announceSavedPlan(context, result);
    announceApplyOfPlans(context, result.runId, result.status, prepared.flags.previewOf);
  }
  return exitCodeFor(prepared.plan.command, result);
}

/**
 * The resumed run was the planning of an `apply` (or `destroy`) judged by
 * policies, cut off before it applied anything: resume finished the plans,
 * and applying them is the step left. It is not taken here: the apply was
 * asked for before the pause, and its question (or flag) belongs to it.
 */
function announceApplyOfPlans(context: CommandContext, runId: string, status: RunStatus, previewOf: unknown): void {
  if (status !== 'succeeded' || (previewOf !== 'apply' && previewOf !== 'destroy')) return;
  const next =
    previewOf === 'apply'
      ? `apply them with \`stackfleet apply --from-plan ${runId}\``
      : 'run `stackfleet destroy` again to destroy (a destroy applies only the plans it makes itself)';
  context.note(`run ${runId} was the planning of ${previewOf === 'apply' ? 'an apply' : 'a destroy'}, and nothing of it was applied yet: ${next}`);
}

/**
 * A plan run that run policies left awaiting an approval has nothing left to
 * plan: resuming it would only end it again without them. The plan run of an
 * `apply` or a `destroy` is returned (resume applies its plans, judged again
 * with the approvals given); any other is refused with what to run.
 */
async function readPlanAwaitingRunApproval(context: CommandContext, fleet: Fleet, runId: string): Promise<RunRecord | undefined> {
  const store = openStore(fleet, context.io.env);
  const [run, decisions] = await Promise.all([store.getRun(runId), store.listPolicyDecisions(runId)]).finally(() => store.close());
  if (run === undefined || run.command !== 'plan') return undefined;
  // Also when a plan policy denied a stack of it (the run ended `denied`) while the run policies wait.
  if (awaitsRunApproval(run, decisions)) return run;
  if (run.status !== 'awaiting_approval') return undefined;
  const command = run.selection['previewOf'] === 'destroy' || run.selection['destroy'] === true ? 'destroy' : 'apply';
  throw new StackfleetError('E_USAGE', `run ${runId} is a plan run that run policies left awaiting an approval: there is nothing left to plan in it`, {
    hint:
      run.selection['save'] === true
        ? `once approved (stackfleet approve ${runId}), apply its plans: stackfleet apply --from-plan ${runId}`
        : `it saved no plans: plan again with \`stackfleet ${command}\` (a "yes" at its prompt is your approval; where run policies need more, it stops and names its run: \`stackfleet approve RUN\`, then \`stackfleet resume RUN\`)`,
  });
}

/** What a bare `resume` (and the UI's `r`) says when no run is interrupted: and which run awaits an approval, if one does. */
export async function describeNothingToResume(fleet: Fleet, env: NodeJS.ProcessEnv): Promise<string> {
  const awaiting = await findRunAwaitingApproval(fleet, env);
  return awaiting === undefined
    ? 'nothing to resume: no interrupted run'
    : `nothing to resume: no interrupted run (run ${awaiting} is awaiting approval: once approved, \`stackfleet resume ${awaiting}\` continues it)`;
}

/**
 * The newest run waiting for an approval, for the hint of a bare `resume`:
 * it continues interrupted and crashed runs only, and such a run goes on
 * when it is named (an approval may be days away; a bare resume should not
 * pick up one nobody approved yet).
 */
async function findRunAwaitingApproval(fleet: Fleet, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const store = openStore(fleet, env);
  try {
    return (await store.listRuns({ limit: 20 })).find((run) => run.status === 'awaiting_approval')?.id;
  } finally {
    await store.close();
  }
}
