import type { Manifest } from '../model.js';
import type { RunPlan } from '../run-plan/types.js';
import { resolveDriftSettings, type EffectiveDriftSettings } from './drift-settings.js';
import { excludeFromRunPlan } from './exclude-from-run-plan.js';
import { selectDueStacks, type DueDecision } from './select-due-stacks.js';

/** Why a command stack without `commands.plan` is reported as not checked. */
export const NO_PLAN_COMMAND = 'runner command without commands.plan: nothing can tell whether it drifted';

/** What one sweep will check, decided before anything runs. */
export interface DriftChecks {
  /** The plan narrowed to the stacks to check. */
  plan: RunPlan;
  /** Stacks of the original plan, in run order, that the sweep reports on (everything but the not-due ones). */
  reported: string[];
  /** Stacks that cannot be checked (reported as skipped with {@link NO_PLAN_COMMAND}). */
  uncheckable: string[];
  /** Each selected stack's drift settings, defaults filled in. */
  settings: Map<string, EffectiveDriftSettings>;
  /** With `--due`: the decision for every selected stack. */
  dueDecisions?: DueDecision[];
}

/**
 * A stack can be checked for drift unless it is a command stack without
 * `commands.plan`: such a stack would "always have changes", so it is
 * reported as not checked instead.
 */
export function isDriftCheckable(manifest: Manifest, name: string): boolean {
  const spec = manifest.stacks[name];
  return !(spec?.runner === 'command' && spec.commands.plan === undefined);
}

/**
 * Narrows a drift plan: with `due`, stacks whose schedule has not come due
 * since their last check leave the sweep entirely; of the rest, stacks that
 * cannot be checked stay in the report as skipped but leave the plan.
 * Pure: the last checks and `now` are passed in.
 */
export function planDriftChecks(
  plan: RunPlan,
  manifest: Manifest,
  due?: { lastChecks: ReadonlyMap<string, string | undefined>; now: Date },
): DriftChecks {
  const names = plan.stacks.map((stack) => stack.name);
  const settings = new Map(names.map((name) => [name, resolveSettings(manifest, name)]));
  const dueDecisions = due ? selectDueStacks(names, new Map(names.map((name) => [name, settings.get(name)?.schedule])), due.lastChecks, due.now) : undefined;
  const notDue = new Set((dueDecisions ?? []).filter((decision) => !decision.due).map((decision) => decision.stack));
  const reported = names.filter((name) => !notDue.has(name));
  const uncheckable = reported.filter((name) => !isDriftCheckable(manifest, name));
  return {
    plan: excludeFromRunPlan(plan, new Set([...uncheckable, ...notDue])),
    reported,
    uncheckable,
    settings,
    ...(dueDecisions ? { dueDecisions } : {}),
  };
}

function resolveSettings(manifest: Manifest, name: string): EffectiveDriftSettings {
  const spec = manifest.stacks[name];
  return spec ? resolveDriftSettings(manifest, spec) : { remediate: false, maxDeletes: 0 };
}
