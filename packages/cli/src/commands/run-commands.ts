import { StackfleetError, type RunPlan } from '@stackfleet/core';
import type { ExecutedRun } from '@stackfleet/runner';
import type { CommandContext } from '../command-context.js';
import { writeLine } from '../io.js';
import type { Fleet } from '../manifest/read-manifest.js';
import { openStore } from '../runtime/open-runtime.js';
import { buildPlanForCommand, describeRunApproval, executeRun, exitCodeFor, printApprovalHint, requireApproval, type ExecuteOptions, type RunFlags } from './execute-run.js';
import { findLiveDependents, liveDependentsError } from './find-live-dependents.js';
import { cleanUpAfterRun } from './gc.js';
import { planExitCode } from './plan-exit-code.js';
import type { GithubRun, prepareGithubRun as PrepareGithubRun } from '../github/prepare-github-run.js';
import type { GithubFlags } from '../github/open-github-session.js';
import { applySavedRun } from './apply-saved-run.js';
import { confirm, isInteractive } from './confirm.js';
import { isJudgedByPolicies, planThenApply } from './plan-then-apply.js';
import { buildSavedRunPlan, countSavedChanges, readPendingApprovals, readSavedRun, writeSavedPlanTable, type SavedRun } from './saved-plans.js';

/** `stackfleet plan [sel] [--detailed-exitcode] [--save] [--github]`. */
export async function runPlanCommand(context: CommandContext, given: RunFlags & GithubFlags): Promise<number> {
  if (given.save && given.destroy) {
    // `apply --from-plan` applies in dependency order: a saved destroy plan would destroy upstreams first.
    throw new StackfleetError('E_USAGE', '--save keeps plans for `apply --from-plan`; a destroy preview (--destroy) cannot be saved', {
      hint: 'preview with `stackfleet plan --destroy`, then run `stackfleet destroy`',
    });
  }
  const fleet = context.readFleet();
  const github = given.github ? await prepareGithubRun(context, fleet, 'plan', given) : undefined;
  // A destroy preview is judged as the destroy it previews (input.run.command "destroy"), as a proposal (type "proposed").
  const flags = previewDestroy(github?.flags ?? given);
  const result = await runReported(github, async () => {
    // --destroy: the destroy's order (dependents first), with plan phases that preview it.
    const plan = flags.destroy
      ? { ...(await buildPlanForCommand(context, fleet, 'destroy', flags)), command: 'plan' as const }
      : await buildPlanForCommand(context, fleet, 'plan', flags);
    return executeRun(context, { fleet, plan, flags, ...githubRunOptions(github), ...(flags.save ? { savePlans: true } : {}) });
  });
  await cleanUpAfterRun(context, fleet, result);
  if (flags.save) announceSavedPlan(context, result);
  // Saved, the plans wait for that approval: say how to give it (unsaved, `apply` plans again and asks then).
  if (flags.save && result.runAwaitingApproval) context.note(`run ${result.runId} is awaiting approval: ${describeRunApproval(result.runId)}`);
  const { code, unknown } = planExitCode(fleet.loaded.manifest, result, Boolean(flags.detailedExitcode), Boolean(flags.destroy));
  if (flags.detailedExitcode && unknown.length > 0) {
    context.note(`note: ${unknown.join(', ')}: no commands.plan, so changes are unknown; not counted by --detailed-exitcode`);
  }
  return code;
}

/**
 * `plan --destroy`'s flags: policies judge the preview as the destroy it
 * shows (`previewOf`, as the plan run of a `destroy` is), with
 * `input.run.type` `proposed` unless `--run-type` says otherwise. Kept in
 * the run's selection, so a resumed preview is judged the same way.
 */
function previewDestroy<T extends RunFlags>(flags: T): T {
  return flags.destroy ? { ...flags, previewOf: 'destroy', runType: flags.runType ?? 'proposed' } : flags;
}

/**
 * `stackfleet apply [sel] [--auto-approve] [--github]`. In a terminal without
 * the flag, and with it whenever plan or run policies judge the selected
 * stacks: plan every stack first and apply exactly those plans
 * (`planThenApply`). Without policies, `--auto-approve` plans and applies
 * stack by stack, which is faster: a stack starts as soon as its upstreams
 * applied, with nothing for a person or a policy to look at in between.
 */
export async function runApplyCommand(context: CommandContext, given: RunFlags & GithubFlags): Promise<number> {
  if (given.fromPlan !== undefined) return applyFromPlan(context, given, given.fromPlan);
  requireApproval(context, 'apply', given);
  const fleet = context.readFleet();
  if (given.github) {
    // In CI there is nobody to ask: requireApproval has made sure of --auto-approve.
    const github = await prepareGithubRun(context, fleet, 'apply', given);
    const plan = await buildPlanForCommand(context, fleet, 'apply', github.flags);
    // Judged by policies, a push's apply plans every stack first too: run policies see all the plans before anything changes.
    if (!github.flags.remote && (await isJudgedByPolicies(context, fleet, plan))) {
      return runReportedRuns(github, () => planThenApply(context, fleet, github.flags, plan, githubRunOptions(github)));
    }
    const result = await runReported(github, async () => executeRun(context, { fleet, plan, flags: github.flags, ...githubRunOptions(github) }));
    await cleanUpAfterRun(context, fleet, result);
    printApprovalHint(context, result);
    return exitCodeFor('apply', result);
  }
  const flags = given;
  const plan = await buildPlanForCommand(context, fleet, 'apply', flags);
  // --remote: workers ask the plan policies stack by stack (fleets with run policies are refused), with no saved plans.
  if (!flags.autoApprove || (!flags.remote && (await isJudgedByPolicies(context, fleet, plan)))) return planThenApply(context, fleet, flags, plan);
  const result = await executeRun(context, { fleet, plan, flags });
  await cleanUpAfterRun(context, fleet, result);
  printApprovalHint(context, result);
  return exitCodeFor('apply', result);
}

/**
 * `apply --from-plan RUN`: the saved plans are what was reviewed, so, like
 * `terraform apply PLANFILE`, applying them needs no further flag headless (a
 * terminal still shows them and asks). What was *not* reviewed, a plan that
 * changed after its upstreams applied, needs `--auto-approve`. Selectors
 * would pick other stacks than those reviewed, so they are refused.
 */
export async function applyFromPlan(context: CommandContext, flags: RunFlags & GithubFlags, runId: string, only: string[] = []): Promise<number> {
  const selectors = (['stack', 'label', 'exclude', 'affected', 'withDependents', 'withDependencies'] as const).filter((key) => {
    const value = flags[key];
    return Array.isArray(value) ? value.length > 0 : Boolean(value);
  });
  if (selectors.length > 0) {
    throw new StackfleetError('E_USAGE', `--from-plan applies the stacks run ${runId} planned; it takes no selectors (got --${selectors.map(toFlagName).join(', --')})`, {
      hint: `stackfleet apply --from-plan ${runId}`,
    });
  }
  const fleet = context.readFleet();
  if (flags.github) {
    // In CI nobody is asked: the saved plans were reviewed on the PR; a plan that changed after its upstreams applied needs --auto-approve.
    const github = await prepareGithubRun(context, fleet, 'apply', flags);
    return runReportedRuns(github, async () =>
      applySavedRun(
        context,
        fleet,
        github.flags,
        pickSavedStacks(await readSavedRun(context, fleet, runId, 'apply', { github: github.policyContext }), only),
        undefined,
        githubRunOptions(github),
      ),
    );
  }
  const saved = pickSavedStacks(await readSavedRun(context, fleet, runId), only);
  if (!flags.autoApprove && isInteractive(context)) {
    writeSavedPlanTable(context, saved);
    // Read back, a run its run policies left awaiting an approval was judged again: they allow now, and ask nothing more.
    const pending = await readPendingApprovals(context, fleet, runId, undefined, saved.run.status === 'awaiting_approval');
    for (const line of pending.lines) writeLine(context.io.stdout, line);
    const verb = pending.stacks.size > 0 ? 'Approve and apply' : 'Apply';
    if (!(await confirm(context, `${verb} the saved plans of run ${runId} (${countSavedChanges(saved)} stack(s) with changes)?`))) {
      writeLine(context.io.stdout, 'Apply cancelled.');
      return 1;
    }
    return applySavedRun(context, fleet, flags, saved, pending.stacks);
  }
  return applySavedRun(context, fleet, flags, saved);
}

/**
 * The destroy whose plan run run policies stopped for an approval of the
 * whole run (`resume RUN`, once approved): the run policies judge the saved
 * destroy plans again with the approvals recorded since (`readSavedRun`),
 * and only when they allow are exactly those plans destroyed, in destroy
 * order, each judged again by the plan policies, as the destroy would have
 * gone on. Live stacks outside the plans that depend on them still refuse
 * it (unless the destroy was started with `--force`). In a terminal the
 * plans are shown and asked about first, as by `apply --from-plan`.
 */
export async function destroyFromPlan(context: CommandContext, runId: string): Promise<number> {
  const fleet = context.readFleet();
  const saved = await readSavedRun(context, fleet, runId, 'destroy');
  if (saved.run.selection['force'] !== true) {
    await refuseLiveDependents(context, fleet, buildSavedRunPlan(context, fleet, saved), 'they were applied after the destroy was planned: destroy them first, or plan the destroy again (`stackfleet destroy --with-dependents`)');
  }
  if (!isInteractive(context)) return applySavedRun(context, fleet, {}, saved);
  writeSavedPlanTable(context, saved);
  // Its run policies were judged again just now (`readSavedRun`) and allow: only the stacks' own decisions are left.
  const pending = await readPendingApprovals(context, fleet, runId, undefined, true);
  for (const line of pending.lines) writeLine(context.io.stdout, line);
  const verb = pending.stacks.size > 0 ? 'Approve and destroy' : 'Destroy';
  if (!(await confirm(context, `${verb} the saved plans of run ${runId} (${countSavedChanges(saved)} stack(s) with changes)?`))) {
    writeLine(context.io.stdout, 'Destroy cancelled.');
    return 1;
  }
  return applySavedRun(context, fleet, {}, saved, pending.stacks);
}

/** Only the named stacks' plans (`/stackfleet apply --stack X`); all of them when none are named. */
function pickSavedStacks(saved: SavedRun, only: string[]): SavedRun {
  if (only.length === 0) return saved;
  return { run: saved.run, plans: new Map([...saved.plans].filter(([name]) => only.includes(name))) };
}

/**
 * `saved plan: run <id>` on stdout (stderr with --json, whose stdout is NDJSON only) when every
 * stack was planned: the run succeeded, policies left it awaiting an approval (`approve`, then
 * `apply --from-plan`; printApprovalHint says so), or plan policies denied some of its stacks
 * (`--from-plan` denies those again). Else a note why its plans cannot be applied: access or run
 * policies denied the run as a whole, or it did not finish planning.
 */
export function announceSavedPlan(context: CommandContext, result: Pick<ExecutedRun, 'runId' | 'status' | 'runDenied' | 'accessDenied'>): void {
  const { runId, status } = result;
  if (result.accessDenied) {
    context.note(`note: access policies denied run ${runId} (see \`stackfleet show ${runId}\`): no stack was planned`);
    return;
  }
  if (result.runDenied) {
    context.note(`note: run policies denied run ${runId} (see \`stackfleet show ${runId}\`); its plans cannot be applied`);
    return;
  }
  if (status !== 'succeeded' && status !== 'awaiting_approval' && status !== 'denied') {
    context.note(`note: run ${runId} did not plan every stack; its plans cannot be applied with --from-plan`);
    return;
  }
  const line = `saved plan: run ${runId}`;
  if (context.global.json) context.note(line);
  else writeLine(context.io.stdout, line);
}

function toFlagName(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/**
 * `stackfleet destroy [sel] [--auto-approve]`: reverse order. Refuses while
 * live stacks outside the selection depend on it, unless `--with-dependents`
 * (they join the selection and go first) or `--force`. With plan or run
 * policies, every stack's destroy is planned and judged first, and exactly
 * those plans are applied (`planThenApply`); with `--remote`, each worker
 * plans, judges and destroys one stack at a time (run policies are refused).
 */
export async function runDestroyCommand(context: CommandContext, flags: RunFlags & { force?: boolean }): Promise<number> {
  requireApproval(context, 'destroy', flags);
  const fleet = context.readFleet();
  const plan = await buildPlanForCommand(context, fleet, 'destroy', flags);
  if (!flags.force) await refuseLiveDependents(context, fleet, plan);
  // Policies judge destroy plans (`plan -destroy -out`) before anything is destroyed: here every plan first; with
  // --remote each worker plans a stack's destroy and judges it before destroying it (run policies are refused there).
  if (!flags.remote && (await isJudgedByPolicies(context, fleet, plan))) return planThenApply(context, fleet, flags, plan);
  if (!flags.autoApprove) {
    // plan.stacks is already in destroy order (dependents first): list it as is.
    writeLine(context.io.stdout, `These stacks will be destroyed, in this order:\n${plan.stacks.map((stack, index) => `  ${index + 1}. ${stack.name}`).join('\n')}`);
    if (!(await confirm(context, `Destroy ${plan.stacks.length} stack(s)?`))) {
      writeLine(context.io.stdout, 'Destroy cancelled.');
      return 1;
    }
  }
  const result = await executeRun(context, { fleet, plan, flags });
  await cleanUpAfterRun(context, fleet, result);
  return exitCodeFor('destroy', result);
}

/** `stackfleet run [sel] -- CMD...`: any command in each selected stack, in order. */
export async function runRunCommand(context: CommandContext, flags: RunFlags, argv: string[]): Promise<number> {
  if (argv.length === 0) {
    throw new StackfleetError('E_USAGE', 'run needs a command after `--`', { hint: 'stackfleet run -- terraform fmt -check' });
  }
  const fleet = context.readFleet();
  const plan = await buildPlanForCommand(context, fleet, 'run', flags);
  const result = await executeRun(context, { fleet, plan, flags, runCommand: argv });
  await cleanUpAfterRun(context, fleet, result);
  return exitCodeFor('run', result);
}

/** Runs `run`, then (with `--github`) reports it, also when it threw before any stack ran. */
async function runReported(github: GithubRun | undefined, run: () => Promise<ExecutedRun>): Promise<ExecutedRun> {
  return github ? reportAfter(github, run, (result) => result) : run();
}

/** The same for work that is several runs (plan first, then apply): the report is what the collector heard; returns the exit code. */
function runReportedRuns(github: GithubRun, run: () => Promise<number>): Promise<number> {
  return reportAfter(github, run, () => undefined);
}

async function reportAfter<T>(github: GithubRun, run: () => Promise<T>, resultOf: (value: T) => ExecutedRun | undefined): Promise<T> {
  let value: T;
  try {
    value = await run();
  } catch (error) {
    await github.finish(undefined, error);
    throw error;
  }
  await github.finish(resultOf(value));
  return value;
}

function githubRunOptions(github: GithubRun | undefined): Pick<ExecuteOptions, 'github' | 'policyContext'> {
  return github ? { github: github.collector, policyContext: github.policyContext } : {};
}

async function refuseLiveDependents(context: CommandContext, fleet: Fleet, plan: RunPlan, hint?: string): Promise<void> {
  const store = openStore(fleet, context.io.env);
  try {
    const live = await findLiveDependents(fleet, plan, store);
    if (live.size > 0) throw liveDependentsError(live, hint);
  } finally {
    await store.close();
  }
}

/**
 * Loaded with `--github` only: it brings the GitHub client (octokit) and the
 * policy engine (CEL), ~20 ms of start-up every other plan and apply skipped.
 */
async function prepareGithubRun(...args: Parameters<typeof PrepareGithubRun>): Promise<GithubRun> {
  return (await import('../github/prepare-github-run.js')).prepareGithubRun(...args);
}
