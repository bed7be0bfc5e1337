import { escapeTerminalText, StackfleetError, type RunRecord } from '@stackfleet/core';
import { buildApprovalRecords, isSameLogin } from '@stackfleet/policy';
import { readGitIdentity } from '@stackfleet/vcs';
import type { CommandContext } from '../command-context.js';
import { writeLine } from '../io.js';
import { buildPolicyRunInfo } from '../policy/create-policy-gate.js';
import { readApprovalMasker } from '../policy/read-approval-masker.js';
import { openStore } from '../runtime/open-runtime.js';
import { awaitsRunApproval } from './awaits-run-approval.js';
import { describeSavedRunContinuation } from './execute-run.js';
import { explainIdleApproval } from './explain-idle-approval.js';

/**
 * `stackfleet approve RUN [--stack GLOB]... [--comment TEXT]`: records an
 * approval by the current actor (STACKFLEET_ACTOR, CI, git, user@host) for
 * the run or some of its stacks. Policies see it as `input.approvals` when
 * the run continues (`stackfleet resume RUN`; for a plan run that run
 * policies left waiting, `stackfleet apply --from-plan RUN`, or `resume RUN`
 * for a destroy's). A run no
 * approval can move any more (finished, a drift sweep, a plan run without
 * saved plans) is refused (`explainIdleApproval`): an approval recorded there
 * would read as if it did something. The comment is stored masked: policies
 * read it, `show` prints it, and a secret typed into it must not stay there.
 */
export async function runApproveCommand(context: CommandContext, options: { stack?: string[]; comment?: string }, args: string[]): Promise<number> {
  const runId = args[0] ?? '';
  const fleet = context.readFleet();
  const store = openStore(fleet, context.io.env);
  try {
    const run = await store.getRun(runId);
    if (!run) throw new StackfleetError('E_UNKNOWN_RUN', `no run "${runId}" in ${fleet.stateDir}`, { hint: 'see `stackfleet history` for run ids' });
    const [stackRuns, savedPlans, decisions] = await Promise.all([store.listStackRuns(run.id), store.listSavedPlans(run.id), store.listPolicyDecisions(run.id)]);
    const idle = explainIdleApproval({ run, stackRuns, savedPlans, deniedAsWhole: decisions.some((decision) => decision.stack === null && decision.effect === 'deny') });
    if (idle) throw new StackfleetError(idle.code, idle.message, { hint: idle.hint });
    const command = run.command === 'run' ? 'apply' : run.command;
    const { actor } = buildPolicyRunInfo({ fleet, command, env: context.io.env, git: await readGitIdentity(fleet.manifestDir) }, run.id);
    const records = buildApprovalRecords({
      runId: run.id,
      runStacks: run.stacks,
      ...(options.stack === undefined ? {} : { stackGlobs: options.stack }),
      by: actor.login,
      at: new Date().toISOString(),
      // Masked as a run masks what it writes (the run that reads it sanitizes it again for its policies' input).
      ...(options.comment === undefined ? {} : { comment: (await readApprovalMasker(fleet, store, run, context.io.env, { readCommands: true })).mask(options.comment) }),
    });
    for (const record of records) await store.recordApproval(record);
    if (context.global.json) {
      for (const record of records) writeLine(context.io.stdout, JSON.stringify({ type: 'approval', ...record, source: actor.source }));
    } else {
      const what = records.length === 1 && records[0]!.stack === null ? `run ${run.id}` : `${records.map((record) => record.stack).join(', ')} in run ${run.id}`;
      writeLine(context.io.stdout, `approved ${what} as ${escapeTerminalText(actor.login)} (from ${actor.source})`);
      const continued = describeContinuation(run, awaitsRunApproval(run, decisions), (options.stack ?? []).length > 0);
      if (continued !== undefined) writeLine(context.io.stdout, continued);
      const planner = run.selection['actor'];
      if (typeof planner === 'string' && isSameLogin(planner, actor.login)) {
        // Recorded all the same: a rule naming the actor in `approvers`, or one reading input.approvals, may count it.
        writeLine(
          context.io.stdout,
          `note: ${escapeTerminalText(planner)} started run ${run.id}: rules with default approvers (anyone but the run's actor) do not count this approval; only rules whose approvers name ${escapeTerminalText(actor.login)} do`,
        );
      }
    }
    return 0;
  } finally {
    await store.close();
  }
}

/**
 * What continues the run: `resume` of one awaiting approval, the apply of a
 * plan run's saved plans. A plan run waits only for its run policies, which
 * count approvals of the whole run: approving some of its stacks does not
 * move it (`stackOnly`), and the line says so instead.
 */
function describeContinuation(run: RunRecord, waitsForRunPolicies: boolean, stackOnly: boolean): string | undefined {
  if (run.command !== 'plan') return run.status === 'awaiting_approval' ? `continue it with: stackfleet resume ${run.id}` : undefined;
  if (run.selection['save'] !== true) return undefined;
  const destroy = run.selection['destroy'] === true;
  // A destroy's plans are destroyed only by that destroy: `resume` continues it once its run policies allow; the
  // other plan runs of a destroy (cancelled at the prompt, or whose destroy run has begun) have nothing to continue.
  if (destroy && !waitsForRunPolicies) return undefined;
  const waiting = waitsForRunPolicies || run.status === 'awaiting_approval';
  if (waiting && stackOnly) {
    return `note: run ${run.id} waits for its run policies, which count approvals of the whole run: approve it without --stack`;
  }
  const next = describeSavedRunContinuation(run.id, destroy ? 'destroy' : 'apply');
  return `${waiting ? 'continue it with' : 'apply its plans with'}: ${next}`;
}
