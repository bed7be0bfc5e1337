/**
 * The saved-plan part of the Store contract (`describeStoreContract` calls it
 * inside its own suite, which creates and cleans up the store per test).
 */
import { describe, expect, it } from 'vitest';
import type { SavedPlanRecord, Store } from '@stackfleet/core';
import { iso } from './contract-clock.js';

export function describeSavedPlansContract(getStore: () => Store): void {
describe('saved plans', () => {
  const saved = (runId: string, stack: string, overrides: Partial<SavedPlanRecord> = {}): SavedPlanRecord => ({
    runId,
    stack,
    runner: 'terraform',
    hasChanges: true,
    changes: { create: 1, update: 0, delete: 0, replace: 0, resources: [{ address: 'terraform_data.x', action: 'create' }] },
    planFile: `/fleet/.stackfleet/runs/${runId}/plans/${stack}.tfplan`,
    repo: '',
    repoSha: 'a'.repeat(40),
    salt: '00ff',
    digests: { 'env TF_VAR_cidr': 'd1', 'outputs of network': 'd2' },
    createdAt: iso(0),
    ...overrides,
  });

  it('keeps one record per run and stack, lists a run by stack name, and deletes one', async () => {
    await getStore().putSavedPlan(saved('plan-1', 'network'));
    await getStore().putSavedPlan(saved('plan-1', 'app', { runner: 'command', hasChanges: false, changes: undefined, planFile: undefined }));
    await getStore().putSavedPlan(saved('plan-2', 'app'));
    await getStore().putSavedPlan(saved('plan-1', 'network', { repoSha: 'c'.repeat(40) }));
    const plans = await getStore().listSavedPlans('plan-1');
    expect(plans.map((plan) => plan.stack)).toEqual(['app', 'network']);
    expect(plans[1]).toEqual(saved('plan-1', 'network', { repoSha: 'c'.repeat(40) }));
    expect(plans[0]).toEqual({ ...saved('plan-1', 'app', { runner: 'command', hasChanges: false }), changes: undefined, planFile: undefined });
    await getStore().deleteSavedPlan('plan-1', 'network');
    expect((await getStore().listSavedPlans('plan-1')).map((plan) => plan.stack)).toEqual(['app']);
    expect((await getStore().listSavedPlans('plan-2')).map((plan) => plan.stack)).toEqual(['app']);
    expect(await getStore().listSavedPlans('nope')).toEqual([]);
  });

  it('keeps a plan file with its record, byte for byte, until the record is deleted or rewritten without one', async () => {
    const bytes = Uint8Array.from([0, 1, 2, 255, 80, 75, 3, 4, ...Buffer.from('TF_VAR_password=hunter2')]);
    await getStore().putSavedPlan(saved('plan-1', 'network', { planFileDigest: 'f1' }), bytes);
    await getStore().putSavedPlan(saved('plan-1', 'app'));
    expect(Buffer.from((await getStore().readSavedPlanFile('plan-1', 'network'))!)).toEqual(Buffer.from(bytes));
    expect(await getStore().readSavedPlanFile('plan-1', 'app')).toBeUndefined();
    expect(await getStore().readSavedPlanFile('plan-2', 'network')).toBeUndefined();
    // Listing returns records only.
    expect((await getStore().listSavedPlans('plan-1'))[1]).toEqual(saved('plan-1', 'network', { planFileDigest: 'f1' }));
    await getStore().putSavedPlan(saved('plan-1', 'network'));
    expect(await getStore().readSavedPlanFile('plan-1', 'network')).toBeUndefined();
    await getStore().putSavedPlan(saved('plan-1', 'network'), bytes);
    await getStore().deleteSavedPlan('plan-1', 'network');
    expect(await getStore().readSavedPlanFile('plan-1', 'network')).toBeUndefined();
    await getStore().putSavedPlan(saved('plan-1', 'network'), Uint8Array.from([7]));
    expect(Buffer.from((await getStore().readSavedPlanFile('plan-1', 'network'))!)).toEqual(Buffer.from([7]));
  });

  it('drops the plan files of plans created before a time, keeping their records (dry run: only counts)', async () => {
    const file = Uint8Array.from([1, 2, 3]);
    await getStore().putSavedPlan(saved('old', 'network', { createdAt: iso(0) }), file);
    await getStore().putSavedPlan(saved('old', 'app', { createdAt: iso(0) }));
    await getStore().putSavedPlan(saved('new', 'network', { createdAt: iso(60_000) }), file);
    expect(await getStore().clearSavedPlanFiles(iso(30_000), { dryRun: true })).toBe(1);
    expect(await getStore().readSavedPlanFile('old', 'network')).toBeDefined();
    expect(await getStore().clearSavedPlanFiles(iso(30_000))).toBe(1);
    expect(await getStore().readSavedPlanFile('old', 'network')).toBeUndefined();
    expect((await getStore().listSavedPlans('old')).map((plan) => plan.stack)).toEqual(['app', 'network']);
    expect(await getStore().readSavedPlanFile('new', 'network')).toBeDefined();
    expect(await getStore().clearSavedPlanFiles(iso(30_000))).toBe(0);
  });
});
}
