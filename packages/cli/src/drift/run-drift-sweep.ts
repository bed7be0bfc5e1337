import {
  decideRemediation,
  excludeFromRunPlan,
  resolveDriftSettings,
  selectDueStacks,
  type DriftSweep,
  type EffectiveDriftSettings,
  type Manifest,
  type RunPlan,
  type StackDriftResult,
  type Store,
} from '@stackfleet/core';
import type { DriftRemediation } from '@stackfleet/runner';
import type { CommandContext } from '../command-context.js';
import { executeRun, type ExecuteOptions, type RunFlags } from '../commands/execute-run.js';
import type { Fleet } from '../manifest/read-manifest.js';
import { openStore } from '../runtime/open-runtime.js';
import { approveEveryRemediation, type ApproveRemediation } from './approve-remediation.js';
import { createDriftCollector, type RemediationLog } from './collect-drift-results.js';

export interface DriftFlags extends RunFlags {
  remediate?: boolean;
  due?: boolean;
  report?: string;
  junit?: string;
  history?: boolean;
}

export interface DriftSweepOptions {
  fleet: Fleet;
  plan: RunPlan;
  flags: DriftFlags;
  /** @default approveEveryRemediation */
  approveRemediation?: ApproveRemediation;
  /** @default () => new Date() */
  now?: () => Date;
  /** How the run is shown and stopped (the UI renders it itself). */
  execution?: Pick<ExecuteOptions, 'quiet' | 'interrupts' | 'onEvent'>;
}

export const NO_PLAN_COMMAND = 'runner command without commands.plan: nothing can tell whether it drifted';

/**
 * One sweep: drop stacks that cannot be checked (and, with `--due`, those
 * not due), plan the rest through the engine as command `drift`, let opted-in
 * stacks apply their own plan, and record every checked stack in the store.
 */
export async function runDriftSweep(context: CommandContext, options: DriftSweepOptions): Promise<{ sweep: DriftSweep; interrupted: boolean }> {
  const { fleet, flags } = options;
  const manifest = fleet.loaded.manifest;
  const now = options.now ?? (() => new Date());
  const settings = new Map(options.plan.stacks.map((stack) => [stack.name, resolveSettings(manifest, stack.name)]));

  const notDue = flags.due ? await selectNotDue(context, fleet, options.plan, settings, now()) : new Set<string>();
  const uncheckable = options.plan.stacks.map((stack) => stack.name).filter((name) => !notDue.has(name) && isUncheckable(manifest, name));
  const plan = excludeFromRunPlan(options.plan, new Set([...uncheckable, ...notDue]));

  const remediation: RemediationLog = { decisions: new Map() };
  const collector = createDriftCollector(manifest, remediation);
  const startedAt = now().toISOString();
  let runId = '';
  let interrupted = false;
  if (plan.stacks.length > 0) {
    const result = await executeRun(context, {
      fleet,
      plan,
      flags,
      quiet: options.execution?.quiet,
      interrupts: options.execution?.interrupts,
      onEvent: (event) => {
        collector.onEvent(event);
        options.execution?.onEvent?.(event);
      },
      ...(flags.remediate ? { remediation: buildRemediation(settings, remediation, options.approveRemediation ?? approveEveryRemediation) } : {}),
    });
    runId = result.runId;
    interrupted = result.status === 'interrupted';
  }

  const skipped: StackDriftResult[] = uncheckable.map((stack) => ({ stack, ...repoOf(manifest, stack), status: 'skipped', reason: NO_PLAN_COMMAND }));
  const checked = plan.stacks.flatMap((stack) => collector.results.get(stack.name) ?? []);
  const byName = new Map([...skipped, ...checked].map((result) => [result.stack, result]));
  const sweep: DriftSweep = {
    runId,
    checkedAt: collector.runInfo().checkedAt || startedAt,
    stacks: options.plan.stacks.flatMap((stack) => byName.get(stack.name) ?? []),
  };
  if (runId !== '') await recordSweep(fleet, context.io.env, sweep);
  return { sweep, interrupted };
}

function resolveSettings(manifest: Manifest, name: string): EffectiveDriftSettings {
  const spec = manifest.stacks[name];
  return spec ? resolveDriftSettings(manifest, spec) : { remediate: false, maxDeletes: 0 };
}

/** A command stack without `commands.plan` would "always have changes"; report it as not checked instead. */
function isUncheckable(manifest: Manifest, name: string): boolean {
  const spec = manifest.stacks[name];
  return spec?.runner === 'command' && spec.commands.plan === undefined;
}

function repoOf(manifest: Manifest, name: string): { repo?: string } {
  const repo = manifest.stacks[name]?.repo;
  return repo === undefined ? {} : { repo };
}

async function selectNotDue(
  context: CommandContext,
  fleet: Fleet,
  plan: RunPlan,
  settings: ReadonlyMap<string, EffectiveDriftSettings>,
  now: Date,
): Promise<Set<string>> {
  const names = plan.stacks.map((stack) => stack.name);
  const store = openStore(fleet, context.io.env);
  const lastChecks = new Map<string, string | undefined>();
  try {
    for (const name of names) lastChecks.set(name, (await store.latestDrift(name))?.checkedAt);
  } finally {
    await store.close();
  }
  const decisions = selectDueStacks(names, new Map(names.map((name) => [name, settings.get(name)?.schedule])), lastChecks, now);
  const due = decisions.filter((decision) => decision.due);
  context.note(`--due: ${due.length} of ${names.length} stack${names.length === 1 ? '' : 's'} due`);
  for (const decision of decisions) context.note(`  ${decision.stack}: ${decision.due ? 'due' : 'not due'}, ${decision.reason}`);
  return new Set(decisions.filter((decision) => !decision.due).map((decision) => decision.stack));
}

function buildRemediation(
  settings: ReadonlyMap<string, EffectiveDriftSettings>,
  log: RemediationLog,
  approve: ApproveRemediation,
): DriftRemediation {
  const optedIn = new Set([...settings].filter(([, value]) => value.remediate).map(([name]) => name));
  for (const [name, value] of settings) if (!value.remediate) log.decisions.set(name, { status: 'not-opted-in' });
  return {
    stacks: optedIn,
    async decide(stack, plan) {
      const decision = decideRemediation(settings.get(stack) ?? { remediate: false, maxDeletes: 0 }, plan.changes);
      if (!decision.apply) {
        log.decisions.set(stack, decision.result);
        return false;
      }
      if (!(await approve(stack, plan.changes))) {
        log.decisions.set(stack, { status: 'needs-human', reason: 'remediation not approved' });
        return false;
      }
      log.decisions.set(stack, { status: 'applied' });
      return true;
    },
  };
}

/** One record per checked stack; skipped stacks were not checked, so they leave no record. */
async function recordSweep(fleet: Fleet, env: Record<string, string | undefined>, sweep: DriftSweep): Promise<void> {
  const store: Store = openStore(fleet, env);
  try {
    for (const result of sweep.stacks) {
      if (result.status === 'skipped') continue;
      await store.recordDrift({
        stack: result.stack,
        runId: sweep.runId,
        checkedAt: sweep.checkedAt,
        status: result.status,
        ...(result.changes ? { changes: result.changes } : {}),
        ...(result.status === 'drifted' && result.remediation ? { remediated: result.remediation.status === 'applied' } : {}),
        ...(result.reason ?? result.remediation?.reason ? { message: result.reason ?? result.remediation?.reason } : {}),
      });
    }
  } finally {
    await store.close();
  }
}
