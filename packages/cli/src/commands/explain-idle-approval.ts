import type { ErrorCode, RunRecord, SavedPlanRecord, StackRunRecord } from '@stackfleet/core';

/** Why an approval changes nothing: `E_RUN_FINISHED` for a run done for good, `E_USAGE` for one no approval ever moves. */
export interface IdleApproval {
  code: Extract<ErrorCode, 'E_RUN_FINISHED' | 'E_USAGE'>;
  message: string;
  hint: string;
}

/** What an approval of a run is checked against: the run, its stacks' rows, its saved plans left, and whether policies denied it as a whole. */
export interface ApprovalTarget {
  run: RunRecord;
  stackRuns: readonly StackRunRecord[];
  savedPlans: readonly SavedPlanRecord[];
  /** An access or run policy denied the whole run (a decision without a stack): `apply --from-plan` refuses its plans. */
  deniedAsWhole: boolean;
}

// Statuses `resume` continues (prepare-resume.ts; recoverRun refuses only `succeeded`), where policies judge
// the stacks that run again with the approvals the run holds then. `denied` only with a stack awaiting approval: a
// denied stack is kept as it is, and its dependents are skipped again.
const CONTINUED_BY_RESUME = new Set<RunRecord['status']>(['awaiting_approval', 'interrupted', 'crashed', 'running', 'failed']);

/**
 * Why an approval of `target.run` can change nothing, as an error's message
 * and hint; undefined when it can. An approval counts only where policies
 * judge again, in that same run: when `resume` continues it (awaiting
 * approval, interrupted, crashed, failed), or, for a `plan --save` run (the
 * plan run of an `apply` or `destroy` too), while saved plans with changes
 * are left for `apply --from-plan` (or the run applying them) to apply,
 * which counts the plan run's approvals. Everything else is finished for
 * good: a succeeded run, a drift sweep, a plan run without saved plans, a
 * `stackfleet run` (policies do not judge it).
 */
export function explainIdleApproval(target: ApprovalTarget): IdleApproval | undefined {
  const { run } = target;
  const id = run.id;
  if (run.command === 'run') {
    return { code: 'E_USAGE', message: `run ${id} is a \`stackfleet run\` command, which policies do not judge: an approval of it changes nothing`, hint: 'approve an apply, destroy or plan --save run (see `stackfleet history`)' };
  }
  if (run.command === 'plan') return explainIdlePlanApproval(target);
  if (CONTINUED_BY_RESUME.has(run.status)) return undefined;
  if (run.status === 'denied' && target.stackRuns.some((row) => row.state === 'awaiting_approval')) return undefined;
  const what = run.command === 'drift' ? 'a drift sweep' : `${run.command === 'apply' ? 'an' : 'a'} ${run.command} run`;
  const hint =
    run.command === 'drift'
      ? `a sweep is not resumed: apply a drifted stack with \`stackfleet apply --stack NAME\` (judged by the policies; \`stackfleet approve\` that run if it waits)`
      : `an approval counts only in the run it is given to: start a new run (\`stackfleet ${run.command}\`), and approve that one if it waits`;
  const why = run.status === 'denied' ? 'its denied stacks stay denied, and no stack awaits approval' : 'nothing is left for an approval to allow';
  return { code: 'E_RUN_FINISHED', message: `run ${id} is ${what} that already finished (${run.status}): ${why}`, hint };
}

function explainIdlePlanApproval(target: ApprovalTarget): IdleApproval | undefined {
  const { run } = target;
  const id = run.id;
  if (run.selection['save'] !== true) {
    return {
      code: 'E_USAGE',
      message: `run ${id} is a plan run without saved plans: it applies nothing, so an approval of it changes nothing`,
      hint: `approve a run that applies: \`stackfleet plan --save\` keeps plans to approve and apply (\`stackfleet apply --from-plan RUN\`), and an apply awaiting approval names its run`,
    };
  }
  // An unfinished plan --save (interrupted, crashed, a stack failed to plan) is finished by resume, which keeps saving plans.
  if (run.status === 'interrupted' || run.status === 'crashed' || run.status === 'running' || run.status === 'failed') return undefined;
  const again = `plan again (\`stackfleet plan --save\`), then approve that run`;
  if (target.deniedAsWhole) {
    return { code: 'E_RUN_FINISHED', message: `policies denied run ${id} as a whole: its plans are never applied, so an approval of it changes nothing`, hint: `${again} (see \`stackfleet show ${id}\`)` };
  }
  if (!target.savedPlans.some((plan) => plan.hasChanges)) {
    const left = target.savedPlans.length === 0 ? 'no saved plans left (they were applied)' : 'no saved plan that changes anything';
    return { code: 'E_RUN_FINISHED', message: `run ${id} has ${left}: an approval of it changes nothing`, hint: again };
  }
  return undefined;
}
