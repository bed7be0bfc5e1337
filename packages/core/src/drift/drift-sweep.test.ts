import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../events.js';
import { parseManifest } from '../manifest/parse-manifest.js';
import type { RunPlan } from '../run-plan/types.js';
import { buildDriftRecords, buildDriftSweep } from './build-drift-sweep.js';
import { createDriftCollector } from './collect-drift-results.js';
import { NO_PLAN_COMMAND, isDriftCheckable, planDriftChecks } from './plan-drift-checks.js';

const { manifest } = parseManifest(
  `
version: 1
repos:
  platform: { url: ../platform }
stacks:
  net: { runner: command, path: ., repo: platform, commands: { plan: "true", apply: "true" }, drift: { schedule: "0 3 * * *" } }
  script: { runner: command, path: ., commands: { apply: "true" } }
  app: { runner: command, path: ., dependsOn: [net, script], commands: { plan: "true", apply: "true" }, drift: { remediate: true, maxDeletes: 1 } }
  smoke: { runner: command, path: ., dependsOn: [app], commands: { plan: "true", apply: "true" } }
`,
  'stacks.yaml',
);

const plan: RunPlan = {
  command: 'drift',
  concurrency: 2,
  limits: {},
  failFast: false,
  stacks: [
    { name: 'net', needs: [], reason: 'selected', onlyAsDependent: false },
    { name: 'script', needs: [], reason: 'selected', onlyAsDependent: false },
    { name: 'app', needs: ['net', 'script'], reason: 'selected', onlyAsDependent: false },
    { name: 'smoke', needs: ['app'], reason: 'selected', onlyAsDependent: false },
  ],
};

const at = '2024-05-02T03:00:00.000Z';
const finished = (stack: string, status: 'unchanged' | 'changed' | 'succeeded' | 'failed' | 'skipped', reason?: string): RunEvent => ({
  type: 'stack.finished',
  runId: 'r1',
  stack,
  status,
  durationMs: 5,
  ...(reason ? { reason } : {}),
});

describe('planDriftChecks', () => {
  it('keeps a command stack without commands.plan out of the plan but in the report', () => {
    expect(isDriftCheckable(manifest, 'script')).toBe(false);
    expect(isDriftCheckable(manifest, 'net')).toBe(true);
    const checks = planDriftChecks(plan, manifest);
    expect(checks.plan.stacks.map((stack) => [stack.name, stack.needs])).toEqual([
      ['net', []],
      ['app', ['net']],
      ['smoke', ['app']],
    ]);
    expect(checks.reported).toEqual(['net', 'script', 'app', 'smoke']);
    expect(checks.uncheckable).toEqual(['script']);
    expect(checks.settings.get('app')).toEqual({ remediate: true, maxDeletes: 1 });
    expect(checks.dueDecisions).toBeUndefined();
  });

  it('with due, leaves stacks that are not due out of both the plan and the report', () => {
    const checks = planDriftChecks(plan, manifest, { lastChecks: new Map([['net', '2024-05-02T03:30:00.000Z']]), now: new Date('2024-05-02T04:00:00.000Z') });
    expect(checks.dueDecisions?.map((decision) => [decision.stack, decision.due])).toEqual([
      ['net', false],
      ['script', false],
      ['app', false],
      ['smoke', false],
    ]);
    expect(checks.reported).toEqual([]);
    expect(checks.plan.stacks).toEqual([]);
    const later = planDriftChecks(plan, manifest, { lastChecks: new Map([['net', '2024-05-01T03:30:00.000Z']]), now: new Date('2024-05-02T04:00:00.000Z') });
    expect(later.plan.stacks.map((stack) => stack.name)).toEqual(['net']);
  });
});

describe('createDriftCollector', () => {
  it('turns run events into drift results, with the remediation decisions taken', () => {
    const decisions = new Map([['smoke', { status: 'needs-human' as const, reason: 'plan deletes 2 resources' }]]);
    const collector = createDriftCollector(manifest, { decisions });
    const changes = { create: 0, update: 1, delete: 0, replace: 0 };
    const events: RunEvent[] = [
      { type: 'run.started', runId: 'r1', command: 'drift', stacks: ['net', 'app', 'smoke'], concurrency: 2, at },
      { type: 'stack.planned', runId: 'r1', stack: 'net', hasChanges: false },
      finished('net', 'unchanged'),
      { type: 'stack.planned', runId: 'r1', stack: 'smoke', hasChanges: true, changes },
      finished('smoke', 'changed'),
      { type: 'stack.planned', runId: 'r1', stack: 'app', hasChanges: true, changes },
      finished('app', 'succeeded', 'drift remediated'),
    ];
    for (const event of events) collector.onEvent(event);
    expect(collector.runInfo()).toEqual({ runId: 'r1', checkedAt: at });
    expect(Object.fromEntries(collector.results)).toEqual({
      net: { stack: 'net', repo: 'platform', status: 'clean', durationMs: 5 },
      smoke: { stack: 'smoke', status: 'drifted', durationMs: 5, changes, remediation: { status: 'needs-human', reason: 'plan deletes 2 resources' } },
      app: { stack: 'app', status: 'drifted', durationMs: 5, changes, remediation: { status: 'applied' } },
    });
  });

  it('tells a failed plan from a failed remediation, and never calls an unchecked stack clean', () => {
    const collector = createDriftCollector(manifest, { decisions: new Map([['app', { status: 'applied' as const }]]) });
    collector.onEvent({ type: 'stack.planned', runId: 'r1', stack: 'app', hasChanges: true });
    collector.onEvent(finished('app', 'failed', 'apply exited 1'));
    collector.onEvent(finished('net', 'failed'));
    collector.onEvent(finished('smoke', 'skipped', 'dependency app failed'));
    expect(collector.results.get('app')).toMatchObject({ status: 'drifted', remediation: { status: 'failed', reason: 'apply exited 1' } });
    expect(collector.results.get('net')).toMatchObject({ status: 'error', reason: 'plan failed' });
    expect(collector.results.get('smoke')).toMatchObject({ status: 'skipped', reason: 'dependency app failed' });
  });
});

describe('buildDriftSweep and buildDriftRecords', () => {
  it('reports in run order with uncheckable stacks skipped, and records only checked stacks', () => {
    const checks = planDriftChecks(plan, manifest);
    const results = new Map([
      ['app', { stack: 'app', status: 'error' as const, reason: 'plan failed' }],
      ['net', { stack: 'net', repo: 'platform', status: 'drifted' as const, remediation: { status: 'not-opted-in' as const } }],
    ]);
    const sweep = buildDriftSweep(checks, manifest, results, { runId: 'r1', checkedAt: at });
    expect(sweep.stacks.map((result) => [result.stack, result.status, result.reason])).toEqual([
      ['net', 'drifted', undefined],
      ['script', 'skipped', NO_PLAN_COMMAND],
      ['app', 'error', 'plan failed'],
    ]);
    expect(buildDriftRecords(sweep)).toEqual([
      { stack: 'net', runId: 'r1', checkedAt: at, status: 'drifted', remediated: false },
      { stack: 'app', runId: 'r1', checkedAt: at, status: 'error', message: 'plan failed' },
    ]);
  });
});
