import { describe, expect, it } from 'vitest';
import type { RunRecord, SavedPlanRecord, StackRunRecord } from '@stackfleet/core';
import { explainIdleApproval, type ApprovalTarget } from './explain-idle-approval.js';

const run = (command: RunRecord['command'], status: RunRecord['status'], selection: Record<string, unknown> = {}): RunRecord => ({
  id: 'r1',
  command,
  selection,
  stacks: ['db', 'app'],
  startedBy: 'alice@host',
  host: 'host',
  pid: 1,
  repoShas: {},
  manifestPath: 'stacks.yaml',
  startedAt: '2026-11-27T10:00:00.000Z',
  status,
});
const row = (stack: string, state: StackRunRecord['state']) => ({ runId: 'r1', stack, state }) as StackRunRecord;
const plan = (hasChanges: boolean) => ({ runId: 'r1', stack: 'db', hasChanges }) as SavedPlanRecord;
const target = (given: RunRecord, more: Partial<ApprovalTarget> = {}): ApprovalTarget => ({ run: given, stackRuns: [], savedPlans: [], deniedAsWhole: false, ...more });
const codeOf = (given: ApprovalTarget) => explainIdleApproval(given)?.code ?? 'counts';

describe('explainIdleApproval', () => {
  it('lets an approval through where resume goes on: awaiting approval, interrupted, crashed, failed', () => {
    for (const status of ['awaiting_approval', 'interrupted', 'crashed', 'failed', 'running'] as const) {
      expect(codeOf(target(run('apply', status))), status).toBe('counts');
      expect(codeOf(target(run('destroy', status))), status).toBe('counts');
    }
    expect(codeOf(target(run('apply', 'denied'), { stackRuns: [row('db', 'denied'), row('app', 'awaiting_approval')] }))).toBe('counts');
  });

  it('refuses a finished run: succeeded, a drift sweep, denied with nothing awaiting approval', () => {
    expect(explainIdleApproval(target(run('apply', 'succeeded')))).toMatchObject({ code: 'E_RUN_FINISHED', message: 'run r1 is an apply run that already finished (succeeded): nothing is left for an approval to allow' });
    expect(explainIdleApproval(target(run('drift', 'succeeded')))).toMatchObject({ code: 'E_RUN_FINISHED', message: expect.stringContaining('is a drift sweep that already finished') });
    expect(explainIdleApproval(target(run('drift', 'succeeded')))?.hint).toContain('stackfleet apply --stack NAME');
    expect(explainIdleApproval(target(run('apply', 'denied'), { stackRuns: [row('db', 'denied'), row('app', 'skipped')] }))?.message).toContain('its denied stacks stay denied');
  });

  it('refuses a plan run without saved plans and a `stackfleet run`, whatever their status', () => {
    for (const status of ['succeeded', 'awaiting_approval', 'interrupted'] as const) {
      expect(explainIdleApproval(target(run('plan', status)))).toMatchObject({ code: 'E_USAGE', message: 'run r1 is a plan run without saved plans: it applies nothing, so an approval of it changes nothing' });
      expect(codeOf(target(run('run', status)))).toBe('E_USAGE');
    }
  });

  it('lets an approval of a plan --save run through while plans with changes are left, or resume still plans', () => {
    const saved = { save: true };
    expect(codeOf(target(run('plan', 'succeeded', saved), { savedPlans: [plan(true)] }))).toBe('counts');
    expect(codeOf(target(run('plan', 'awaiting_approval', { ...saved, previewOf: 'apply' }), { savedPlans: [plan(true)] }))).toBe('counts');
    expect(codeOf(target(run('plan', 'denied', { ...saved, previewOf: 'destroy', destroy: true }), { savedPlans: [plan(true)] }))).toBe('counts');
    expect(codeOf(target(run('plan', 'interrupted', saved)))).toBe('counts');
    expect(explainIdleApproval(target(run('plan', 'succeeded', saved)))?.message).toBe('run r1 has no saved plans left (they were applied): an approval of it changes nothing');
    expect(explainIdleApproval(target(run('plan', 'succeeded', saved), { savedPlans: [plan(false)] }))?.message).toBe('run r1 has no saved plan that changes anything: an approval of it changes nothing');
    expect(explainIdleApproval(target(run('plan', 'denied', saved), { savedPlans: [plan(true)], deniedAsWhole: true }))?.message).toContain('policies denied run r1 as a whole');
  });
});
