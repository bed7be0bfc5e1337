import { describe, expect, it } from 'vitest';
import { measurePlanChains } from './measure-plan-chains.js';
import type { RunPlan } from './types.js';

const plan = (needs: Record<string, string[]>): RunPlan => ({
  command: 'apply',
  stacks: Object.entries(needs).map(([name, upstream]) => ({ name, needs: upstream, reason: 'selected', onlyAsDependent: false })),
  concurrency: 1,
  limits: {},
  failFast: false,
});

describe('measurePlanChains', () => {
  it('gives each stack its longest remaining chain, itself included, so the critical path is queued first', () => {
    const chains = measurePlanChains(plan({ net: [], db: ['net'], app: ['db'], dns: [], web: ['net'] }));
    expect(Object.fromEntries(chains)).toEqual({ net: 3, db: 2, app: 1, dns: 1, web: 1 });
  });
});
