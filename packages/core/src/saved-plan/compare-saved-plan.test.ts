import { describe, expect, it } from 'vitest';
import { compareSavedPlan, isSamePlan, isSavedPlanExpired } from './compare-saved-plan.js';

describe('compareSavedPlan', () => {
  const saved = { repo: '', repoSha: 'a'.repeat(40), digests: { 'env TF_VAR_cidr': '1', 'stack file main.tf': '2', 'outputs of network': '3', 'secret DB': '4' } };

  it('finds nothing when the digests and the sha are the same', () => {
    expect(compareSavedPlan(saved, { repoSha: saved.repoSha, digests: { ...saved.digests } })).toEqual({ stale: [], upstreams: [] });
  });

  it('calls files, inputs and the repo sha stale, and upstream outputs a reason to re-plan', () => {
    const current = {
      repoSha: 'b'.repeat(40),
      digests: { 'env TF_VAR_cidr': '1', 'stack file main.tf': 'x', 'stack file extra.tf': '5', 'outputs of network': 'y' },
    };
    expect(compareSavedPlan(saved, current)).toEqual({
      stale: ["repo (the manifest's) sha aaaaaaaaaaaa -> bbbbbbbbbbbb", 'secret DB (removed)', 'stack file extra.tf (added)', 'stack file main.tf'],
      upstreams: ['network'],
    });
  });
});

describe('isSamePlan', () => {
  const plan = { hasChanges: true, changes: { create: 1, update: 0, delete: 0, replace: 0, resources: [{ address: 'a.b', action: 'create' as const }] } };

  it('compares counts and actions per address', () => {
    expect(isSamePlan(plan, structuredClone(plan))).toBe(true);
    expect(isSamePlan(plan, { hasChanges: false, changes: { create: 0, update: 0, delete: 0, replace: 0 } })).toBe(false);
    expect(isSamePlan(plan, { hasChanges: true, changes: { create: 1, update: 0, delete: 0, replace: 0, resources: [{ address: 'a.c', action: 'create' }] } })).toBe(false);
    expect(isSamePlan(plan, { hasChanges: true, changes: { create: 0, update: 0, delete: 0, replace: 1, resources: [{ address: 'a.b', action: 'replace' }] } })).toBe(false);
  });

  it('treats two empty plans as the same', () => {
    expect(isSamePlan({ hasChanges: false }, { hasChanges: false, changes: { create: 0, update: 0, delete: 0, replace: 0, resources: [] } })).toBe(true);
  });
});

describe('isSavedPlanExpired', () => {
  it('expires plans older than the retention age', () => {
    const now = new Date('2026-01-08T00:00:01Z');
    expect(isSavedPlanExpired({ createdAt: '2026-01-01T00:00:00Z' }, now, 7 * 86_400_000)).toBe(true);
    expect(isSavedPlanExpired({ createdAt: '2026-01-02T00:00:00Z' }, now, 7 * 86_400_000)).toBe(false);
  });
});
