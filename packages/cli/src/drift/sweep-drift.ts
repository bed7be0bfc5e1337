import { prepareDriftSweep, runDriftSweep, type ApproveRemediation, type DriftSweepResult } from '@stackfleet/runner';
import { StackfleetError, type RunPlan } from '@stackfleet/core';
import type { CommandContext } from '../command-context.js';
import { startRun, type ExecuteOptions, type RunFlags } from '../commands/execute-run.js';
import type { Fleet } from '../manifest/read-manifest.js';
import { openStore } from '../runtime/open-runtime.js';
import type { GithubFlags } from '../github/open-github-session.js';

export interface DriftFlags extends RunFlags, GithubFlags {
  remediate?: boolean;
  due?: boolean;
  report?: string;
  junit?: string;
  history?: boolean;
}

export interface SweepDriftOptions {
  fleet: Fleet;
  plan: RunPlan;
  flags: DriftFlags;
  /** @default the runner's approveEveryRemediation */
  approveRemediation?: ApproveRemediation;
  /** The caller shows the run itself (the fleet UI). */
  caller?: ExecuteOptions['caller'];
  /** `--github`: builds the report and holds the run's masker. */
  github?: ExecuteOptions['github'];
}

/**
 * `drift` as the CLI runs it: decide what to check (the runner's
 * `prepareDriftSweep`; `--due` decisions are printed before the run is
 * shown), then the runner's `runDriftSweep` under the chosen reporters.
 */
export async function sweepDrift(context: CommandContext, options: SweepDriftOptions): Promise<DriftSweepResult> {
  const { fleet, flags } = options;
  if (flags.remote) {
    if (flags.remediate) {
      throw new StackfleetError('E_USAGE', 'drift --remote only checks: --remediate is not supported with --remote yet', {
        hint: 'run `stackfleet drift --remote` to check on workers, then `stackfleet drift --remediate` here (or `apply --remote`) to fix',
      });
    }
    if (fleet.loaded.manifest.policies.length > 0) {
      // Access policies are decided before queueing only for plan/apply/destroy (execute-run.ts); policies fail closed.
      throw new StackfleetError('E_USAGE', 'drift --remote is not supported yet for a fleet with `policies:`', {
        hint: 'run `stackfleet drift` here without --remote, so its policies are checked',
      });
    }
  }
  const store = openStore(fleet, context.io.env);
  const checks = await prepareDriftSweep(options.plan, { manifest: fleet.loaded.manifest, store, due: Boolean(flags.due) }).finally(() => store.close());
  if (checks.dueDecisions) {
    const decisions = checks.dueDecisions;
    const due = decisions.filter((decision) => decision.due);
    context.note(`--due: ${due.length} of ${decisions.length} stack${decisions.length === 1 ? '' : 's'} due`);
    for (const decision of decisions) context.note(`  ${decision.stack}: ${decision.due ? 'due' : 'not due'}, ${decision.reason}`);
  }
  const shown = { ...(options.caller ? { caller: options.caller } : {}), ...(options.github ? { github: options.github } : {}) };
  return startRun(context, { fleet, plan: checks.plan, flags, ...shown }, (run) =>
    runDriftSweep(checks, {
      ...run,
      remediate: Boolean(flags.remediate),
      ...(options.approveRemediation ? { approveRemediation: options.approveRemediation } : {}),
      // The sweep's plan queued for workers and followed; the drift report and records are made here from their events.
      ...(flags.remote ? { execute: async (plan, base) => (await import('../remote/follow-remote-run.js')).followRemoteRun(plan, base, context.note) } : {}),
    }),
  );
}
