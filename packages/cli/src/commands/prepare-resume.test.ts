import type { ChangeSummary, SavedPlanRecord, StackRunRecord } from '@stackfleet/core';
import { describe, expect, it } from 'vitest';
import { acceptChangedPlans } from './prepare-resume.js';

const changes = (create: number): ChangeSummary => ({ create, update: 0, delete: 0, replace: 0, resources: [] });
const row = (stack: string, state: StackRunRecord['state'], summary?: ChangeSummary): StackRunRecord => ({
  runId: 'r',
  stack,
  state,
  attempt: 1,
  ...(summary ? { changes: summary } : {}),
});
const saved = { stack: 'down', hasChanges: false } as SavedPlanRecord;

describe('acceptChangedPlans (resume of an apply of saved plans)', () => {
  it('accepts the plan a stack awaited approval for, and nothing else, when the run was not started with --auto-approve', () => {
    const accept = acceptChangedPlans(false, [row('down', 'awaiting_approval', changes(1)), row('other', 'failed', changes(1))]);
    expect(accept('down', saved, { hasChanges: true, changes: changes(1) })).toBe(true);
    expect(accept('down', saved, { hasChanges: true, changes: changes(2) })).toBe(false);
    expect(accept('other', saved, { hasChanges: true, changes: changes(1) })).toBe(false);
    expect(accept('unknown', saved, { hasChanges: true, changes: changes(1) })).toBe(false);
  });

  it('accepts every changed plan of a run started with --auto-approve (its policies judge them again)', () => {
    const accept = acceptChangedPlans(true, []);
    expect(accept('down', saved, { hasChanges: true, changes: changes(3) })).toBe(true);
  });
});
