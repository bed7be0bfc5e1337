import type { Manifest, RunEvent } from '@stackfleet/core';
import { describe, expect, it } from 'vitest';
import { collectRunReport } from './collect-run-report.js';

const at = '2026-11-26T12:00:00.000Z';
const manifest = { stacks: { app: { repo: '' } } } as unknown as Manifest;

describe('collectRunReport', () => {
  it('keeps decisions about the whole run apart, and shows a decision judged again in the apply run once', () => {
    const collector = collectRunReport({ manifest, manifestPath: 'stacks.yaml', sha: 'abc1234' });
    const decision = (stack: string | undefined, effect: 'warn' | 'require_approval', approvedBy?: string[]): RunEvent => ({
      type: 'policy.evaluated',
      runId: 'r',
      ...(stack ? { stack } : {}),
      policy: 'p',
      rule: stack ? 'size' : 'run-rule',
      effect,
      message: 'big',
      ...(approvedBy ? { approvedBy } : {}),
      at,
    });
    // The plan run of an apply judged by policies, then the apply run that judges the stack again.
    collector.onEvent({ type: 'run.started', runId: 'plan-run', command: 'plan', stacks: ['app'], concurrency: 1, at });
    collector.onEvent(decision('app', 'require_approval'));
    collector.onEvent(decision(undefined, 'warn'));
    collector.onEvent({ type: 'run.started', runId: 'apply-run', command: 'apply', stacks: ['app'], concurrency: 1, at });
    collector.onEvent(decision('app', 'require_approval', ['bob']));

    const report = collector.report();
    expect(report?.runId).toBe('apply-run');
    expect(report?.runDecisions).toEqual([{ effect: 'warn', policy: 'p', rule: 'run-rule', message: 'big' }]);
    expect(report?.stacks[0]?.decisions).toEqual([{ effect: 'require_approval', policy: 'p', rule: 'size', message: 'big', approvedBy: ['bob'] }]);
  });
});
