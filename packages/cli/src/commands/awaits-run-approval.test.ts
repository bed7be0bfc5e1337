import { describe, expect, it } from 'vitest';
import type { PolicyDecisionRecord, RunRecord } from '@stackfleet/core';
import { awaitsRunApproval } from './awaits-run-approval.js';

const run = (status: RunRecord['status'], selection: Record<string, unknown>, command: RunRecord['command'] = 'plan'): RunRecord =>
  ({ id: 'r1', command, status, selection, stacks: ['a', 'b'] }) as unknown as RunRecord;
const decision = (stack: string | null, effect: PolicyDecisionRecord['effect'], approvedBy?: string[]): PolicyDecisionRecord => ({
  runId: 'r1',
  stack,
  at: '2026-11-27T00:00:00Z',
  policy: 'p',
  rule: effect,
  effect,
  message: effect,
  ...(approvedBy ? { approvedBy } : {}),
});
const destroyPlans = { save: true, previewOf: 'destroy', destroy: true };

describe('awaitsRunApproval', () => {
  it('is the plan run of an apply or destroy awaiting approval, or denied in part while a run policy waits', () => {
    expect(awaitsRunApproval(run('awaiting_approval', destroyPlans), [])).toBe(true);
    expect(awaitsRunApproval(run('awaiting_approval', { save: true, previewOf: 'apply' }), [])).toBe(true);
    // A plan policy denied b; the run policy still waits: the destroy stopped before anything was destroyed.
    expect(awaitsRunApproval(run('denied', destroyPlans), [decision('b', 'deny'), decision(null, 'require_approval')])).toBe(true);
  });

  it('is not a run denied as a whole, one whose run policies were satisfied, nor any other run', () => {
    expect(awaitsRunApproval(run('denied', destroyPlans), [decision(null, 'deny'), decision(null, 'require_approval')])).toBe(false);
    expect(awaitsRunApproval(run('denied', destroyPlans), [decision('b', 'deny'), decision(null, 'require_approval', ['bob'])])).toBe(false);
    expect(awaitsRunApproval(run('denied', destroyPlans), [decision('b', 'deny')])).toBe(false);
    expect(awaitsRunApproval(run('succeeded', destroyPlans), [])).toBe(false);
    // A `plan --save` is applied with apply --from-plan; a plan that saved nothing has nothing to go on with.
    expect(awaitsRunApproval(run('awaiting_approval', { save: true }), [])).toBe(false);
    expect(awaitsRunApproval(run('awaiting_approval', { previewOf: 'destroy', destroy: true }), [])).toBe(false);
    expect(awaitsRunApproval(run('awaiting_approval', destroyPlans, 'destroy'), [])).toBe(false);
  });
});
