import { planDriftChecks, type DriftChecks, type Manifest, type RunPlan, type Store } from '@stackfleet/core';

/**
 * What a sweep will check (core's `planDriftChecks`); with `due`, each
 * stack's last check is read from the store first. Runs before anything is
 * shown, so the caller can print the `--due` decisions.
 */
export async function prepareDriftSweep(
  plan: RunPlan,
  options: { manifest: Manifest; store: Pick<Store, 'latestDrift'>; due?: boolean; now?: () => Date },
): Promise<DriftChecks> {
  if (!options.due) return planDriftChecks(plan, options.manifest);
  const lastChecks = new Map<string, string | undefined>();
  for (const { name } of plan.stacks) lastChecks.set(name, (await options.store.latestDrift(name))?.checkedAt);
  return planDriftChecks(plan, options.manifest, { lastChecks, now: (options.now ?? (() => new Date()))() });
}
