import {
  buildRunPlan,
  describePlanChanges,
  escapeTerminalText,
  formatTable,
  isSavedPlanExpired,
  StackfleetError,
  type RunPlan,
  type RunRecord,
  type SavedPlanRecord,
  type Store,
} from '@stackfleet/core';
import type { CommandContext } from '../command-context.js';
import type { RunPolicyContext } from '../github/read-github-policy-context.js';
import { writeLine } from '../io.js';
import type { Fleet } from '../manifest/read-manifest.js';
import { openStore } from '../runtime/open-runtime.js';
import { describePendingApprovals, type PendingApprovals } from './describe-pending-approvals.js';
import { resolveConcurrency } from './execute-run.js';
import { DEFAULT_RETENTION } from './gc.js';

/** A `plan --save` run and the plans it still holds (applied ones are gone). */
export interface SavedRun {
  run: RunRecord;
  plans: Map<string, SavedPlanRecord>;
}

/**
 * Reads the saved plans of `runId` and refuses what cannot be applied as
 * reviewed: an unknown run, a run that was not `plan --save`, a plan that did
 * not finish or that access or run policies denied as a whole (or still
 * await an approval of, judged again: `judgeSavedRunPolicies`), plans already
 * applied, plans older than `settings.retention.age`, stacks no longer in the
 * manifest. `command` is what applies them: destroy plans (saved by a destroy
 * that planned first) only by `destroy`, the others only by `apply`.
 */
export async function readSavedRun(
  context: CommandContext,
  fleet: Fleet,
  runId: string,
  command: 'apply' | 'destroy' = 'apply',
  /**
   * `runApprovalAtPrompt`: the terminal prompt of `apply`/`destroy` is about to ask, and its "yes" gives what
   * run policies ask for. `github`: the pull request's reviews count as approvals (`apply --from-plan --github`).
   * `store`: an open store to read (the caller closes it); by default the fleet's, opened and closed here.
   */
  options: { runApprovalAtPrompt?: boolean; github?: RunPolicyContext; store?: Store } = {},
): Promise<SavedRun> {
  const store = options.store ?? openStore(fleet, context.io.env);
  try {
    const run = await store.getRun(runId);
    if (!run) throw new StackfleetError('E_UNKNOWN_RUN', `no run "${runId}" in ${fleet.stateDir}`, { hint: 'see `stackfleet history` for run ids' });
    const again = { hint: 'plan again with `stackfleet plan --save`, review it, then `stackfleet apply --from-plan <run>`' };
    if (run.command !== 'plan' || run.selection.save !== true) {
      throw new StackfleetError('E_SAVED_PLAN_MISSING', `run ${runId} is ${run.command === 'apply' ? 'an' : 'a'} \`${run.command}\` run without saved plans`, again);
    }
    const destroys = run.selection.destroy === true;
    if (destroys !== (command === 'destroy')) {
      // Applying a destroy plan in dependency order would destroy upstreams first, and the reverse for apply plans.
      // Destroy plans go only with the destroy that saved them: `resume` continues it where run policies stopped it.
      const resumed = destroys
        ? { hint: `a destroy that run policies stopped for an approval: once approved (stackfleet approve ${runId}), \`stackfleet resume ${runId}\` continues the destroy that saved them; else run \`stackfleet destroy\` again` }
        : again;
      throw new StackfleetError('E_SAVED_PLAN_MISSING', `run ${runId} saved ${destroys ? 'destroy' : 'apply'} plans; \`${command}\` cannot apply them`, resumed);
    }
    // A stack denied by a plan policy is denied again when its turn comes; a deny of the whole run stops it here.
    if (run.status === 'denied' && (await store.listPolicyDecisions(runId)).some((decision) => decision.stack === null && decision.effect === 'deny')) {
      throw new StackfleetError('E_POLICY_DENIED', `policies denied run ${runId} as a whole; its plans are not applied (see \`stackfleet show ${runId}\`)`, { ...again, exitCode: 3 });
    }
    if (run.status !== 'succeeded' && run.status !== 'denied' && run.status !== 'awaiting_approval') {
      // An interrupted or crashed `plan --save` is finished by resume, which keeps saving its plans.
      const resumable = run.status === 'interrupted' || run.status === 'crashed';
      throw new StackfleetError(
        'E_SAVED_PLAN_MISSING',
        `run ${runId} did not plan every stack (it ${run.status === 'running' ? 'is still running' : `ended ${run.status}`})`,
        resumable ? { hint: `\`stackfleet resume ${runId}\` finishes planning it; then \`stackfleet apply --from-plan ${runId}\`` } : again,
      );
    }
    const records = await store.listSavedPlans(runId);
    if (records.length === 0) throw new StackfleetError('E_SAVED_PLAN_MISSING', `run ${runId} has no saved plans left: they were applied`, again);
    const maxAgeMs = (fleet.loaded.manifest.settings.retention ?? DEFAULT_RETENTION).ageMs;
    if (records.some((record) => isSavedPlanExpired(record, new Date(), maxAgeMs))) {
      throw new StackfleetError('E_PLAN_EXPIRED', `the plans of run ${runId} (${run.startedAt}) are older than settings.retention.age`, again);
    }
    const gone = records.filter((record) => !(record.stack in fleet.loaded.manifest.stacks)).map((record) => record.stack);
    if (gone.length > 0) throw new StackfleetError('E_PLAN_STALE', `stale: ${gone.join(', ')} no longer in the manifest since run ${runId} was planned`, again);
    // Run policies asked for an approval of the whole run (the prompt about to ask gives it): judged again with the
    // approvals `stackfleet approve RUN` recorded since; nothing is applied unless they now allow. Their last judgement
    // is kept with the run (a run also denied in part ends `denied`; one planned by an older stackfleet: its status).
    const kept = fleet.loaded.manifest.policies.length === 0 ? undefined : await store.getRunPolicyPlans(runId);
    const waiting = kept === undefined ? run.status === 'awaiting_approval' : kept.awaiting;
    if (waiting && !options.runApprovalAtPrompt) {
      const { judgeSavedRunPolicies } = await import('../policy/judge-saved-run-policies.js');
      const github = options.github ? { github: options.github } : {};
      const { approvedBy } = await judgeSavedRunPolicies({ fleet, store, run, records, kept, command, cwd: context.io.cwd, env: context.io.env, ...github });
      context.note(`run policies of run ${runId} allow its plans now (approved by ${escapeTerminalText(approvedBy.join(', ')) || 'their rules'})`);
    }
    return { run, plans: new Map(records.map((record) => [record.stack, record])) };
  } finally {
    if (options.store === undefined) await store.close();
  }
}

/** What applies a run's saved plans: `destroy` for the destroy plans a destroy saved, else `apply`. */
export function savedPlanCommand(saved: SavedRun): 'apply' | 'destroy' {
  return saved.run.selection.destroy === true ? 'destroy' : 'apply';
}

/** The apply (or destroy) of exactly the saved stacks, in the command's order over the DAG (reversed for destroy). */
export function buildSavedRunPlan(context: CommandContext, fleet: Fleet, saved: SavedRun): RunPlan {
  const command = savedPlanCommand(saved);
  const stacks = saved.run.stacks.filter((name) => saved.plans.has(name));
  return buildRunPlan(fleet.graph, { stacks, reasons: new Map(stacks.map((name) => [name, `saved plan of run ${saved.run.id}`])), onlyAsDependent: new Set() }, {
    command,
    concurrency: resolveConcurrency(context, fleet),
    limits: fleet.loaded.manifest.settings.limits,
    failFast: Boolean(context.global.failFast),
  });
}

/** The table shown before asking: every saved stack, in run order, with what its plan does. */
export function writeSavedPlanTable(context: CommandContext, saved: SavedRun): void {
  const rows = saved.run.stacks.flatMap((name) => {
    const plan = saved.plans.get(name);
    if (!plan) return [];
    return [[name, describePlanChanges(plan)]];
  });
  writeLine(context.io.stdout, `Saved plan: run ${saved.run.id}`);
  context.io.stdout.write(formatTable({ header: ['STACK', 'PLAN'], rows }));
}

/** How many saved stacks would change something (`except`: not counting those, e.g. the denied ones). */
export function countSavedChanges(saved: SavedRun, except: (stack: string) => boolean = () => false): number {
  return [...saved.plans.values()].filter((plan) => plan.hasChanges && !except(plan.stack)).length;
}

/**
 * The "yes" at the terminal to a run policy's `require_approval` (shown above
 * the question, see `readPendingApprovals`): recorded as the planner's
 * approval of the whole plan run, as `stackfleet approve RUN` would record
 * one, so `show RUN` says who gave it and when. The person who planned is the
 * one answering: the question follows their own plan in the same process.
 * Then the run policies judge the saved plans again, counting that "yes" as
 * the policy package says (`countsApproval`: enough for a rule naming no
 * approvers; one approval, if they allow the planner, for a rule naming some):
 * throws `E_POLICY_DENIED` (exit 3, with why the yes was not enough and the
 * approve command) when they still wait, or deny.
 */
export async function recordRunApprovalAtPrompt(context: CommandContext, fleet: Fleet, saved: SavedRun, github?: RunPolicyContext): Promise<void> {
  const store = openStore(fleet, context.io.env);
  try {
    const by = saved.run.selection['actor'];
    if (typeof by !== 'string') return;
    await store.recordApproval({ runId: saved.run.id, stack: null, by, at: new Date().toISOString(), comment: 'approved at the terminal prompt' });
    const { judgeSavedRunPolicies } = await import('../policy/judge-saved-run-policies.js');
    await judgeSavedRunPolicies({
      fleet,
      store,
      run: saved.run,
      records: [...saved.plans.values()],
      kept: await store.getRunPolicyPlans(saved.run.id),
      command: savedPlanCommand(saved),
      cwd: context.io.cwd,
      env: context.io.env,
      approvedAtPrompt: by,
      ...(github ? { github } : {}),
    });
  } finally {
    await store.close();
  }
}

/**
 * What the plan policies said about a run's saved plans, for the question
 * before applying them (see `describePendingApprovals`). `only`: just these
 * stacks' decisions (the new plans an apply run held for a question).
 * `runAllowed`: the run policies were judged again (`readSavedRun`) and allow.
 */
export async function readPendingApprovals(context: CommandContext, fleet: Fleet, runId: string, only?: ReadonlySet<string>, runAllowed = false): Promise<PendingApprovals> {
  if (fleet.loaded.manifest.policies.length === 0) return { lines: [], stacks: new Set(), run: false };
  const store = openStore(fleet, context.io.env);
  try {
    return describePendingApprovals(await store.listPolicyDecisions(runId), only, runAllowed);
  } finally {
    await store.close();
  }
}
