import { policyAppliesTo, type RunPlan } from '@stackfleet/core';
import { createFingerprintCache } from '@stackfleet/runner';
import type { CommandContext } from '../command-context.js';
import { writeLine } from '../io.js';
import type { Fleet } from '../manifest/read-manifest.js';
import { openRuntime } from '../runtime/open-runtime.js';
import { applySavedRun } from './apply-saved-run.js';
import { confirm } from './confirm.js';
import { describeRunApproval, executeRun, type ExecuteOptions, type RunFlags } from './execute-run.js';
import { countSavedChanges, readPendingApprovals, readSavedRun, recordRunApprovalAtPrompt, writeSavedPlanTable } from './saved-plans.js';

/**
 * Whether `kind: plan` or `kind: run` policies judge a stack of `plan`: then
 * `apply --auto-approve` and `destroy` plan every stack before changing any
 * (`planThenApply`). Access policies alone do not need the plans.
 */
export async function isJudgedByPolicies(context: CommandContext, fleet: Fleet, plan: RunPlan): Promise<boolean> {
  if (fleet.loaded.manifest.policies.length === 0) return false;
  // Loaded only here: a fleet without policies never pays for the policy engine.
  const { readManifestPolicies } = await import('../policy/read-policies.js');
  const specs = fleet.loaded.manifest.stacks;
  return readManifestPolicies(fleet, context.io.cwd).some(
    (loaded) => loaded.policy.kind !== 'access' && plan.stacks.some((stack) => specs[stack.name] !== undefined && policyAppliesTo(loaded.ref, specs[stack.name]!)),
  );
}

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
  const command = plan.command === 'destroy' ? 'destroy' : 'apply';
  // Stacks sharing a directory read it once; with --auto-approve the apply's stale checks reuse what the plans read (no pause between).
  const fingerprintCache = createFingerprintCache();
  const preview = await executeRun(context, {
    fleet,
    // A destroy plans in its own order (dependents first), as `plan --destroy` does.
    plan: { ...plan, command: 'plan' },
    flags: { ...flags, previewOf: command, runType: flags.runType ?? 'tracked', ...(command === 'destroy' ? { destroy: true } : {}) },
    savePlans: true,
    ...reporting,
    fingerprintCache,
  });
  if (preview.runDenied) {
    context.note(`${command} stopped: policies denied the plan (see \`stackfleet show ${preview.runId}\`)`);
    return 3;
  }
  // Run policies asking for an approval: a person gives it (`approve`, the prompt below, or reviews with --github), never the flag.
  if (preview.runAwaitingApproval && flags.autoApprove) {
    const id = preview.runId;
    const next =
      command === 'apply'
        ? describeRunApproval(id)
        : `run \`stackfleet destroy\` in a terminal, where your "yes" gives it`;
    context.note(`${command} stopped: run policies require an approval of run ${id} (see \`stackfleet show ${id}\`), which --auto-approve never gives: ${next}`);
    return 3;
  }
  // A failed or interrupted plan: nothing is applied from a run that did not plan every stack.
  if (preview.status !== 'succeeded' && preview.status !== 'denied' && !preview.runAwaitingApproval) return 1;
  const saved = await readSavedRun(context, fleet, preview.runId, command, {
    runApprovalAtPrompt: preview.runAwaitingApproval === true,
    ...(reporting.runtime ? { store: reporting.runtime.store } : {}),
  });
  const changed = countSavedChanges(saved);
  if (!flags.autoApprove) writeSavedPlanTable(context, saved);
  // A destroy still runs: stacks with nothing left to destroy lose their stored outputs.
  if (changed === 0 && command === 'apply') {
    say(context, 'No changes: nothing to apply.');
    return 0;
  }
  // The plan run ran to its end here: the cleanup after the apply skips its work directories too.
  // The plans the plan run judged: run policies judge them again with a stack planned again in the apply.
  const judgedPlans = fingerprintCache.judged;
  if (flags.autoApprove) return applySavedRun(context, fleet, flags, saved, undefined, { ...reporting, fingerprintCache, plannedHere: true, judgedPlans });
  if (changed === 0) return applySavedRun(context, fleet, flags, saved, undefined, { ...reporting, plannedHere: true, judgedPlans });

  const pending = await readPendingApprovals(context, fleet, preview.runId);
  for (const line of pending.lines) writeLine(context.io.stdout, line);
  // Policies deny every stack that would change: a "yes" could change nothing (applying judges them again,
  // and denies them again), so nothing is asked. A deny exits 3, as the apply would.
  if (countSavedChanges(saved, isDeniedIn(preview)) === 0) {
    writeLine(context.io.stdout, `Nothing to ${command}: policies deny every stack with changes (see \`stackfleet show ${preview.runId}\`).`);
    return 3;
  }
  const verb = command === 'destroy' ? 'Destroy' : 'Apply';
  const question = pending.stacks.size > 0 || pending.run ? `Approve and ${verb.toLowerCase()} ${changed} stack(s) with changes?` : `${verb} ${changed} stack(s) with changes?`;
  if (!(await confirm(context, question))) {
    writeLine(context.io.stdout, command === 'apply' ? `Apply cancelled. The plans stay saved: stackfleet apply --from-plan ${preview.runId}` : 'Destroy cancelled.');
    return 1;
  }
  // Counted like any approval: a "yes" that is not enough for a run policy stops here (exit 3, with why).
  if (pending.run) await recordRunApprovalAtPrompt(context, fleet, saved, reporting.policyContext);
  return applySavedRun(context, fleet, flags, saved, pending.stacks, { ...reporting, plannedHere: true, judgedPlans });
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
