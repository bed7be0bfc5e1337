import type { RunPlan } from '@stackfleet/core';
import { createFingerprintCache, type ExecutedRun, type SavedPlanApply } from '@stackfleet/runner';
import type { CommandContext } from '../command-context.js';
import { writeLine } from '../io.js';
import type { Fleet } from '../manifest/read-manifest.js';
import { openRuntime } from '../runtime/open-runtime.js';
import { applySavedRun } from './apply-saved-run.js';
import { confirm } from './confirm.js';
import type { PendingApprovals } from './describe-pending-approvals.js';
import { describeRunApproval, executeRun, type ExecuteOptions, type RunFlags } from './execute-run.js';
import { countSavedChanges, readPendingApprovals, readSavedRun, recordRunApprovalAtPrompt, writeSavedPlanTable, type SavedRun } from './saved-plans.js';

/**
 * Whether `kind: plan` or `kind: run` policies (`kinds`) judge a stack of
 * `plan`: then `apply --auto-approve` and `destroy` plan every stack before
 * changing any (`planThenApply`). Access policies alone do not need the plans.
 */
export async function isJudgedByPolicies(context: CommandContext, fleet: Fleet, plan: RunPlan, kinds: ReadonlySet<'plan' | 'run'> = JUDGING_PLANS): Promise<boolean> {
  if (fleet.loaded.manifest.policies.length === 0) return false;
  // Loaded only here: a fleet without policies never pays for the policy engine.
  const [{ readManifestPolicies }, { loadedPolicyAppliesTo }] = await Promise.all([import('../policy/read-policies.js'), import('@stackfleet/policy')]);
  const specs = fleet.loaded.manifest.stacks;
  return readManifestPolicies(fleet, context.io.cwd).some(
    (loaded) =>
      loaded.policy.kind !== 'access' &&
      kinds.has(loaded.policy.kind) &&
      plan.stacks.some((stack) => specs[stack.name] !== undefined && loadedPolicyAppliesTo(loaded, specs[stack.name]!)),
  );
}

const JUDGING_PLANS: ReadonlySet<'plan' | 'run'> = new Set(['plan', 'run']);

/**
 * `apply` or `destroy` in two runs: first a `plan` run plans every stack of
 * `plan` and saves the plans (`-destroy -out` for a destroy); in it the plan
 * policies judge each stack and the run policies all of them, seeing the
 * command as `input.run.command`. A deny of the whole run stops here (exit 3)
 * before anything changes. Then exactly the saved plans are applied, in the
 * command's order (`--from-plan` of the plan run): each stack is judged again
 * before its plan is applied (a stack re-planned after its upstreams changed
 * their outputs, on its new plan), so a stack a plan policy denies ends
 * `denied` and its dependents are skipped while independent stacks go on.
 * Without `--auto-approve` (a terminal), the plans and what policies say are
 * shown first and a "yes" gives the approvals they ask for. With `--github`
 * (`reporting`), both runs feed the one report GitHub is shown.
 */
export async function planThenApply(
  context: CommandContext,
  fleet: Fleet,
  flags: RunFlags,
  plan: RunPlan,
  reporting: Pick<ExecuteOptions, 'github' | 'policyContext'> = {},
): Promise<number> {
  // With --auto-approve nothing pauses between the two runs: they share one runtime (store, checkouts, the commit and
  // git identity policies see), as the apply's stale checks share what the plans read. After a prompt, each opens its own.
  const runtime = flags.autoApprove ? await openRuntime(fleet, context.io.env, context.note) : undefined;
  try {
    return await planAndApply(context, fleet, flags, plan, { ...reporting, ...(runtime ? { runtime } : {}) });
  } finally {
    await runtime?.close();
  }
}

async function planAndApply(
  context: CommandContext,
  fleet: Fleet,
  flags: RunFlags,
  plan: RunPlan,
  reporting: Pick<ExecuteOptions, 'github' | 'policyContext' | 'runtime'>,
): Promise<number> {
  // Stacks sharing a directory read it once; with --auto-approve the apply's stale checks reuse what the plans read (no pause between).
  const fingerprintCache = createFingerprintCache();
  const preview = await planBeforeApplying(context, fleet, flags, plan, { ...reporting, fingerprintCache });
  const review = await reviewPlanRun(context, fleet, flags, plan.command === 'destroy' ? 'destroy' : 'apply', preview, reporting);
  if (review.next === 'stop') {
    if (review.exitCode === 3) context.note(review.why);
    return review.exitCode;
  }
  if (!flags.autoApprove) writeSavedPlanTable(context, review.saved);
  if (review.next === 'done') {
    say(context, review.why);
    return 0;
  }
  // The plans the plan run judged: run policies judge them again with a stack planned again in the apply.
  const judgedPlans = fingerprintCache.judged;
  // The plan run ran to its end here: the cleanup after the apply skips its work directories too.
  if (review.next === 'apply') {
    return applySavedRun(context, fleet, flags, review.saved, undefined, { ...reporting, ...(flags.autoApprove ? { fingerprintCache } : {}), plannedHere: true, judgedPlans });
  }
  for (const line of review.pending.lines) writeLine(context.io.stdout, line);
  if (review.next === 'refuse') {
    writeLine(context.io.stdout, review.why);
    return 3;
  }
  if (!(await confirm(context, review.question))) {
    writeLine(context.io.stdout, review.command === 'apply' ? `Apply cancelled. The plans stay saved: stackfleet apply --from-plan ${preview.runId}` : 'Destroy cancelled.');
    return 1;
  }
  return applyApprovedPlans(context, fleet, flags, review, { ...reporting, judgedPlans });
}

/**
 * The first half of `planThenApply`: the plan run of an apply or destroy,
 * every stack planned and its plan saved, judged by the policies as that
 * command (`previewOf`). The fleet UI's apply starts with it too (`caller`).
 */
export function planBeforeApplying(
  context: CommandContext,
  fleet: Fleet,
  flags: RunFlags,
  plan: RunPlan,
  options: Pick<ExecuteOptions, 'github' | 'policyContext' | 'runtime' | 'fingerprintCache' | 'caller'>,
): Promise<ExecutedRun> {
  const command = plan.command === 'destroy' ? 'destroy' : 'apply';
  return executeRun(context, {
    fleet,
    // A destroy plans in its own order (dependents first), as `plan --destroy` does.
    plan: { ...plan, command: 'plan' },
    flags: { ...flags, previewOf: command, runType: flags.runType ?? 'tracked', ...(command === 'destroy' ? { destroy: true } : {}) },
    savePlans: true,
    ...options,
  });
}

/**
 * What follows a plan run of `planBeforeApplying`, decided before anyone is
 * asked: `stop` (a deny of the whole run, an approval --auto-approve cannot
 * give: exit 3; a failed or interrupted plan: exit 1), `done` (no changes),
 * `apply` at once (--auto-approve; a destroy with nothing left to destroy),
 * `refuse` (policies deny every stack that would change: a "yes" could change
 * nothing; exit 3), or `ask` the question, with what the policies wait for.
 */
export type PlanReview =
  | { next: 'stop'; exitCode: 1 | 3; why: string }
  | { next: 'done'; saved: SavedRun; why: string }
  | { next: 'apply'; saved: SavedRun }
  | { next: 'refuse'; saved: SavedRun; pending: PendingApprovals; why: string }
  | { next: 'ask'; command: 'apply' | 'destroy'; saved: SavedRun; pending: PendingApprovals; question: string };

/** Decides what follows the plan run `preview` (see `PlanReview`); the CLI prompt and the fleet UI both follow it. */
export async function reviewPlanRun(
  context: CommandContext,
  fleet: Fleet,
  flags: RunFlags,
  command: 'apply' | 'destroy',
  preview: ExecutedRun,
  reporting: Pick<ExecuteOptions, 'runtime'> = {},
): Promise<PlanReview> {
  const id = preview.runId;
  if (preview.runDenied) return { next: 'stop', exitCode: 3, why: `${command} stopped: policies denied the plan (see \`stackfleet show ${id}\`)` };
  // Run policies asking for an approval: a person gives it (`approve`, the prompt below, or reviews with --github), never the flag.
  if (preview.runAwaitingApproval && flags.autoApprove) {
    return {
      next: 'stop',
      exitCode: 3,
      why: `${command} stopped: run policies require an approval of run ${id} (see \`stackfleet show ${id}\`), which --auto-approve never gives: ${describeRunApproval(id, command)}`,
    };
  }
  // A failed or interrupted plan: nothing is applied from a run that did not plan every stack.
  if (preview.status !== 'succeeded' && preview.status !== 'denied' && !preview.runAwaitingApproval) {
    return { next: 'stop', exitCode: 1, why: `${command} stopped: the plan run ${id} ended ${preview.status}, nothing was ${command === 'apply' ? 'applied' : 'destroyed'}` };
  }
  const saved = await readSavedRun(context, fleet, id, command, {
    runApprovalAtPrompt: preview.runAwaitingApproval === true,
    ...(reporting.runtime ? { store: reporting.runtime.store } : {}),
  });
  const changed = countSavedChanges(saved);
  if (changed === 0 && command === 'apply') return { next: 'done', saved, why: 'No changes: nothing to apply.' };
  // A destroy still runs: stacks with nothing left to destroy lose their stored outputs.
  if (flags.autoApprove || changed === 0) return { next: 'apply', saved };
  const pending = await readPendingApprovals(context, fleet, id);
  // Policies deny every stack that would change: a "yes" could change nothing (applying judges them again,
  // and denies them again), so nothing is asked. A deny exits 3, as the apply would.
  if (countSavedChanges(saved, isDeniedIn(preview)) === 0) {
    return { next: 'refuse', saved, pending, why: `Nothing to ${command}: policies deny every stack with changes (see \`stackfleet show ${id}\`).` };
  }
  const verb = command === 'destroy' ? 'Destroy' : 'Apply';
  const question = pending.stacks.size > 0 || pending.run ? `Approve and ${verb.toLowerCase()} ${changed} stack(s) with changes?` : `${verb} ${changed} stack(s) with changes?`;
  return { next: 'ask', command, saved, pending, question };
}

/**
 * The "yes" to the question of `reviewPlanRun`: counted like any approval
 * (recorded as the actor's; not enough for a run policy: `E_POLICY_DENIED`,
 * exit 3, with why), then exactly the saved plans are applied.
 */
export async function applyApprovedPlans(
  context: CommandContext,
  fleet: Fleet,
  flags: RunFlags,
  review: Extract<PlanReview, { next: 'ask' }>,
  reporting: Pick<ExecuteOptions, 'github' | 'policyContext' | 'caller'> & { judgedPlans?: SavedPlanApply['judgedPlans'] } = {},
): Promise<number> {
  if (review.pending.run) await recordRunApprovalAtPrompt(context, fleet, review.saved, reporting.policyContext);
  return applySavedRun(context, fleet, flags, review.saved, review.pending.stacks, { ...reporting, plannedHere: true });
}

/** Whether the plan policies denied a stack of the plan run `preview`. */
function isDeniedIn(preview: { stacks: ReadonlyMap<string, { status: string }> }): (stack: string) => boolean {
  return (stack) => preview.stacks.get(stack)?.status === 'denied';
}

/** A line for the person: stdout, or stderr with --json (whose stdout is NDJSON only). */
function say(context: CommandContext, line: string): void {
  if (context.global.json) context.note(line);
  else writeLine(context.io.stdout, line);
}
