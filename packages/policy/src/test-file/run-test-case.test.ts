import { describe, expect, it } from 'vitest';
import { buildTestCaseInput, diffDecisions, formatDecision } from './run-test-case.js';

const PLAN = {
  resource_changes: [
    { address: 'terraform_data.a', type: 'terraform_data', name: 'a', change: { actions: ['create'], before: null, after: { input: 'x' } } },
    { address: 'terraform_data.b', type: 'terraform_data', name: 'b', change: { actions: ['no-op'], before: {}, after: {} } },
  ],
  output_changes: {},
};

describe('buildTestCaseInput', () => {
  it("builds a kind: plan policy's input for the one stack of the plan", () => {
    const input = buildTestCaseInput({ name: 'c', decisions: [], stack: { name: 'net' } }, PLAN) as Record<string, unknown>;
    expect(input['stack']).toMatchObject({ name: 'net' });
    expect(input['changes']).toMatchObject({ add: 1, total: 1, known: true });
    expect(input).not.toHaveProperty('stacks');
  });

  it("builds a kind: run policy's input with that stack as the only one planned", () => {
    const input = buildTestCaseInput({ name: 'c', decisions: [], stack: { name: 'net' } }, PLAN, 'run') as Record<string, unknown>;
    expect(input).not.toHaveProperty('stack');
    expect(input['stacks']).toEqual([
      expect.objectContaining({ stack: expect.objectContaining({ name: 'net' }), changes: expect.objectContaining({ add: 1, total: 1 }) }),
    ]);
    expect(input['approvals']).toEqual([]);
  });

  it("completes a case's partial actor from the defaults (login given: it is the name too)", () => {
    const input = buildTestCaseInput({ name: 'c', decisions: [], run: { actor: { login: 'alice' } } }, PLAN) as { run: Record<string, unknown> };
    expect(input.run['actor']).toEqual({ login: 'alice', name: 'alice', source: 'test', teams: [] });
    expect(input.run['command']).toBe('plan');
    const teams = buildTestCaseInput({ name: 'c', decisions: [], run: { actor: { teams: ['dba'] } } }, PLAN) as { run: Record<string, unknown> };
    expect(teams.run['actor']).toEqual({ login: 'tester', name: 'tester', source: 'test', teams: ['dba'] });
  });

  it('takes a case input as it is, whatever the kind', () => {
    expect(buildTestCaseInput({ name: 'c', decisions: [], input: { any: 1 } }, PLAN, 'run')).toEqual({ any: 1 });
  });
});

describe('diffDecisions', () => {
  const decision = { policy: 'guard', rule: 'a', effect: 'deny', message: 'too big' } as const;

  it('is empty when the decisions match, message and policy compared only when expected', () => {
    expect(diffDecisions([{ rule: 'a', effect: 'deny' }], [decision])).toEqual([]);
    expect(diffDecisions([{ rule: 'a', effect: 'deny', message: 'too big', policy: 'guard' }], [decision])).toEqual([]);
  });

  it('shows the policy on both lines when only the expected policy differs', () => {
    expect(diffDecisions([{ rule: 'a', effect: 'deny', message: 'too big', policy: 'other' }], [decision])).toEqual([
      '- deny a: too big (policy other)',
      '+ deny a: too big (policy guard)',
    ]);
  });

  it('marks what is missing and what is extra', () => {
    expect(diffDecisions([{ rule: 'a', effect: 'deny' }, { rule: 'b', effect: 'warn' }], [decision])).toEqual(['  deny a: too big', '- warn b']);
    expect(diffDecisions([], [decision])).toEqual(['+ deny a: too big']);
  });
});

describe('formatDecision', () => {
  it('is one line without control characters, whatever the message holds', () => {
    expect(formatDecision({ rule: 'exec', effect: 'deny', message: 'line1\nFAKE: ok\u001b[31mRED' })).toBe('deny exec: line1⏎FAKE: ok\\u001b[31mRED');
  });
});
