import { formatDecisionReason, StackfleetError, type RunPolicyPlans, type RunRecord, type SavedPlanRecord, type StackSpec, type Store } from '@stackfleet/core';
import { describeStack, evaluatePlannedRunGate, type PlannedStackInput } from '@stackfleet/policy';
import { runPolicyCommand, selectPolicyCommandEnv } from '@stackfleet/runner';
import { readGitIdentity } from '@stackfleet/vcs';
import { describeSavedRunContinuation } from '../commands/execute-run.js';
import type { Fleet } from '../manifest/read-manifest.js';
import type { RunPolicyContext } from '../github/read-github-policy-context.js';
import { buildPolicyRunInfo, pullRequestApprovals } from './create-policy-gate.js';
import { readManifestPolicies } from './read-policies.js';

export interface SavedRunJudgement {
  /** Who gave the approvals the run policies asked for (sorted logins). */
  approvedBy: string[];
}

/**
 * `apply --from-plan RUN` of a plan run that `kind: run` policies left
 * awaiting an approval: judges them again, over the plans they saw then
 * (kept with the run, sanitized), with every approval of the whole
 * run recorded since (`stackfleet approve RUN`; with `--github` also the pull
 * request's current reviews, as when the plan run was judged), the invoker as
 * `input.run.actor` and the planner as `input.run.plannedBy` (so by default
 * the planner's own approval does not count). Returns who approved when they
 * now allow; throws `E_POLICY_DENIED` (exit 3) when they still wait or deny.
 */
export async function judgeSavedRunPolicies(options: {
  fleet: Fleet;
  store: Store;
  run: RunRecord;
  records: readonly SavedPlanRecord[];
  /** The plans the run policies judged last (`Store.getRunPolicyPlans`). */
  kept: RunPolicyPlans | undefined;
  command: 'apply' | 'destroy';
  cwd: string;
  env: Record<string, string | undefined>;
  /** `--github`: the pull request's actor and teams, and its current reviews, which count as approvals of the whole run. */
  github?: RunPolicyContext;
  /** Who just said yes at the terminal prompt (their approval is recorded): see the policy package's `countsApproval`. */
  approvedAtPrompt?: string;
}): Promise<SavedRunJudgement> {
  const { fleet, run, command } = options;
  const planner = typeof run.selection['actor'] === 'string' ? run.selection['actor'] : undefined;
  const approve = `stackfleet approve ${run.id} [--comment TEXT]${planner === undefined ? '' : ` as an approver other than ${planner}, who planned it`}, then ${describeSavedRunContinuation(run.id, command)}`;
  const policies = readManifestPolicies(fleet, options.cwd);
  // No run policy judges this fleet (any more): nothing of the run as a whole waits.
  if (!policies.some((loaded) => loaded.policy.kind === 'run')) return { approvedBy: [] };
  const saved = new Set(options.records.filter((record) => record.hasChanges).map((record) => record.stack));
  const kept = new Map((options.kept?.plans ?? []).map(({ stack, plan }) => [stack, plan]));
  const stacks: { spec: StackSpec; planned: PlannedStackInput }[] = [];
  // Every plan they judged, those applied since included: the question is what the run changes in total.
  for (const name of options.run.stacks) {
    const spec = fleet.loaded.manifest.stacks[name];
    const plan = kept.get(name);
    if (spec === undefined || (plan === undefined && !saved.has(name))) continue;
    if (plan === undefined) {
      // Planned by an older stackfleet (or before run policies were added): nothing to judge again, so nothing is applied.
      throw new StackfleetError('E_POLICY_DENIED', `run policies require an approval of run ${run.id} as a whole, and its plans cannot be judged again; they are not applied`, {
        hint: `plan again: \`stackfleet ${command} --auto-approve\` stops at its new plan run and says how to approve it`,
        exitCode: 3,
      });
    }
    stacks.push({ spec, planned: { stack: describeStack(spec), ...(plan as Omit<PlannedStackInput, 'stack'>) } });
  }
  const info = buildPolicyRunInfo(
    {
      fleet,
      command,
      env: options.env,
      git: await readGitIdentity(fleet.manifestDir),
      ...(planner === undefined ? {} : { plannedBy: planner }),
      ...(options.github ? { github: options.github } : {}),
    },
    run.id,
  );
  const result = await evaluatePlannedRunGate(
    {
      policies,
      run: info,
      teams: fleet.loaded.manifest.teams,
      approvals: [...(await options.store.listApprovals(run.id)), ...pullRequestApprovals(run.id, options.github)],
      ...(options.approvedAtPrompt === undefined ? {} : { approvedAtPrompt: options.approvedAtPrompt }),
      evaluate: { runCommand: runPolicyCommand, env: selectPolicyCommandEnv(options.env, fleet.loaded.manifest) },
    },
    stacks,
  );
  const fired = (effect: string) => result.decisions.filter((decision) => decision.effect === effect).map(formatDecisionReason);
  if (result.verdict === 'deny') {
    throw new StackfleetError('E_POLICY_DENIED', `run policies deny run ${run.id} as a whole now: ${fired('deny').join('; ')}; its plans are not applied`, {
      hint: `see \`stackfleet show ${run.id}\``,
      exitCode: 3,
    });
  }
  if (result.verdict === 'awaiting_approval') {
    const waiting = result.decisions.filter((decision) => decision.effect === 'require_approval' && decision.approvedBy === undefined);
    throw new StackfleetError(
      'E_POLICY_DENIED',
      `run policies require an approval of run ${run.id} as a whole: ${waiting.map(formatDecisionReason).join('; ')}; its plans are not applied`,
      { hint: approve, exitCode: 3 },
    );
  }
  return { approvedBy: [...new Set(result.decisions.flatMap((decision) => decision.approvedBy ?? []))].sort() };
}
