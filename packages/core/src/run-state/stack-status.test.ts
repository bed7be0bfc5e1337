import { describe, expect, it } from 'vitest';
import { STACK_STATUSES, isCompletedStatus, isKeptOnResume, isStackStatus } from './stack-status.js';

describe('stack statuses', () => {
  it('lists every final status once', () => {
    expect([...STACK_STATUSES].sort()).toEqual(['awaiting_approval', 'changed', 'denied', 'failed', 'interrupted', 'skipped', 'succeeded', 'unchanged']);
  });

  it('tells final states from states of a stack still in flight', () => {
    expect(['pending', 'running', 'planned', 'applying', 'nonsense'].filter(isStackStatus)).toEqual([]);
    expect(STACK_STATUSES.every((status) => isStackStatus(status))).toBe(true);
  });

  it('counts only results that ran through as completed', () => {
    expect(STACK_STATUSES.filter(isCompletedStatus).sort()).toEqual(['changed', 'succeeded', 'unchanged']);
  });

  it('keeps denied and completed stacks on resume, and runs failed, skipped, awaiting and interrupted ones again', () => {
    expect(STACK_STATUSES.filter(isKeptOnResume).sort()).toEqual(['changed', 'denied', 'succeeded', 'unchanged']);
    expect(isKeptOnResume('applying')).toBe(false);
  });
});
