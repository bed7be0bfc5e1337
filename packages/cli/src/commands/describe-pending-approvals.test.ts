import { describe, expect, it } from 'vitest';
import type { PolicyDecisionRecord } from '@stackfleet/core';
import { describePendingApprovals } from './describe-pending-approvals.js';

const decision = (stack: string | null, effect: PolicyDecisionRecord['effect'], message: string, approvedBy?: string[]): PolicyDecisionRecord => ({
  runId: 'r1',
  stack,
  at: '2026-11-27T00:00:00Z',
  policy: 'guard',
  rule: effect,
  effect,
  message,
  ...(approvedBy ? { approvedBy } : {}),
});

describe('describePendingApprovals', () => {
  it('lists denies and the approvals still missing; an approval rule already satisfied asks nothing', () => {
    const pending = describePendingApprovals([
      decision('db', 'require_approval', 'db needs a DBA', ['carol']),
      decision('app', 'require_approval', 'app needs a review'),
      decision('dns', 'deny', 'no dns\nchanges'),
      decision(null, 'require_approval', 'sign-off', ['bob']),
      decision('net', 'warn', 'just saying'),
    ]);
    expect(pending.lines).toEqual([
      'Policies deny (these stacks will not change):',
      '  dns: no dns⏎changes (guard/deny)',
      'Policies require approval:',
      '  app: app needs a review (guard/require_approval)',
    ]);
    expect([...pending.stacks]).toEqual(['app']);
    expect(pending.run).toBe(false);
  });

  it('keeps a run policy awaiting the whole run, and narrows to the stacks asked about', () => {
    const listed = [decision(null, 'require_approval', 'sign-off'), decision('db', 'require_approval', 'db'), decision('app', 'require_approval', 'app')];
    expect(describePendingApprovals(listed).run).toBe(true);
    const only = describePendingApprovals(listed, new Set(['db']));
    expect([...only.stacks]).toEqual(['db']);
    // The run's own decisions stay: in an apply run they are the run policies judged again over the new plans asked about.
    expect(only.run).toBe(true);
    expect(describePendingApprovals(listed.slice(1), new Set(['db'])).run).toBe(false);
  });

  it('leaves out the run policies once they were judged again and allow (runAllowed)', () => {
    const listed = [decision(null, 'require_approval', 'two DBAs'), decision('db', 'require_approval', 'db')];
    const pending = describePendingApprovals(listed, undefined, true);
    expect(pending.run).toBe(false);
    expect(pending.lines).toEqual(['Policies require approval:', '  db: db (guard/require_approval)']);
  });
});
