import { describe, expect, it } from 'vitest';
import { parseManifest } from '../manifest/parse-manifest.js';
import type { RunPlan } from '../run-plan/types.js';
import type { DriftRecord } from '../store.js';
import { buildDriftTimeline, renderDriftHistoryTable } from './build-drift-timeline.js';
import { decideRemediation } from './decide-remediation.js';
import { resolveDriftSettings } from './drift-settings.js';
import { selectDriftExitCode } from './drift-exit-code.js';
import { excludeFromRunPlan } from './exclude-from-run-plan.js';

const MANIFEST = `
version: 1
contexts:
  everywhere:
    attachTo: { labels: ["*"] }
    priority: 50
    drift: { schedule: "0 3 * * *", maxDeletes: 1 }
  prod-strict:
    attachTo: { labels: [prod] }
    priority: 10
    drift: { maxDeletes: 0 }
  heal:
    drift: { remediate: true }
stacks:
  plain: { runner: command, path: ., commands: { plan: "true", apply: "true" } }
  prod: { runner: command, path: ., labels: [prod], contexts: [heal], commands: { plan: "true", apply: "true" } }
  own: { runner: command, path: ., labels: [prod], contexts: [heal], drift: { remediate: false, schedule: "*/5 * * * *" }, commands: { plan: "true", apply: "true" } }
`;

describe('resolveDriftSettings', () => {
  it('merges key by key: auto contexts by priority < listed contexts < the stack', () => {
    const { manifest } = parseManifest(MANIFEST, 'stacks.yaml');
    const settings = Object.fromEntries(Object.values(manifest.stacks).map((stack) => [stack.name, resolveDriftSettings(manifest, stack)]));
    expect(settings).toEqual({
      plain: { remediate: false, maxDeletes: 1, schedule: '0 3 * * *' },
      prod: { remediate: true, maxDeletes: 0, schedule: '0 3 * * *' },
      own: { remediate: false, maxDeletes: 0, schedule: '*/5 * * * *' },
    });
  });
});

describe('decideRemediation', () => {
  const changes = (deletes: number, replaces: number) => ({ create: 1, update: 0, delete: deletes, replace: replaces });
  it('applies opted-in stacks within maxDeletes, counting replacements as deletes', () => {
    expect(decideRemediation({ remediate: false, maxDeletes: 5 }, changes(0, 0))).toEqual({ apply: false, result: { status: 'not-opted-in' } });
    expect(decideRemediation({ remediate: true, maxDeletes: 0 }, changes(0, 0))).toEqual({ apply: true });
    expect(decideRemediation({ remediate: true, maxDeletes: 2 }, changes(1, 1))).toEqual({ apply: true });
    expect(decideRemediation({ remediate: true, maxDeletes: 0 }, changes(0, 1))).toEqual({
      apply: false,
      result: { status: 'needs-human', reason: 'plan deletes 1 resource, more than drift.maxDeletes (0)' },
    });
  });
});

describe('selectDriftExitCode', () => {
  it('is 1 on any error even with drift, 2 on drift left, 0 when clean or remediated', () => {
    expect(selectDriftExitCode([{ stack: 'a', status: 'drifted' }, { stack: 'b', status: 'error' }])).toBe(1);
    expect(selectDriftExitCode([{ stack: 'a', status: 'drifted', remediation: { status: 'failed' } }])).toBe(1);
    expect(selectDriftExitCode([{ stack: 'a', status: 'drifted', remediation: { status: 'needs-human' } }, { stack: 'b', status: 'clean' }])).toBe(2);
    expect(selectDriftExitCode([{ stack: 'a', status: 'drifted', remediation: { status: 'applied' } }, { stack: 'b', status: 'skipped' }])).toBe(0);
  });
});

describe('excludeFromRunPlan', () => {
  it('keeps the order through removed stacks', () => {
    const plan: RunPlan = {
      command: 'drift',
      concurrency: 2,
      limits: {},
      failFast: false,
      stacks: [
        { name: 'a', needs: [], reason: 'selected', onlyAsDependent: false },
        { name: 'b', needs: ['a'], reason: 'selected', onlyAsDependent: false },
        { name: 'c', needs: ['b'], reason: 'selected', onlyAsDependent: false },
        { name: 'd', needs: ['b', 'c'], reason: 'selected', onlyAsDependent: false },
      ],
    };
    expect(excludeFromRunPlan(plan, new Set(['b', 'c'])).stacks.map((stack) => `${stack.name} <- [${stack.needs.join(', ')}]`)).toEqual(['a <- []', 'd <- [a]']);
  });
});

describe('buildDriftTimeline', () => {
  it('says when a stack drifted and when it was reconciled, reading past errors', () => {
    const check = (stack: string, checkedAt: string, status: DriftRecord['status'], extra: Partial<DriftRecord> = {}): DriftRecord => ({
      stack,
      runId: `r-${checkedAt}`,
      checkedAt: `2024-05-${checkedAt}:00:00.000Z`,
      status,
      ...extra,
    });
    const newestFirst = [
      check('app', '05T03', 'clean'),
      check('db', '04T03', 'drifted', { remediated: true, changes: { create: 1, update: 0, delete: 0, replace: 0 } }),
      check('db', '03T04', 'drifted', { changes: { create: 3, update: 0, delete: 0, replace: 0 }, message: 'remediation awaiting approval: creates 3 resources' }),
      check('app', '04T03', 'error', { message: 'plan failed: exit code 1' }),
      check('app', '03T03', 'drifted', { changes: { create: 0, update: 2, delete: 0, replace: 0 } }),
      check('app', '02T03', 'drifted', { changes: { create: 0, update: 1, delete: 0, replace: 0 } }),
      check('app', '01T03', 'clean'),
    ];
    expect(renderDriftHistoryTable(buildDriftTimeline(newestFirst))).toMatchInlineSnapshot(`
      "CHECKED AT                STACK  STATUS   EVENT          CHANGES      RUN      DETAIL
      2024-05-05T03:00:00.000Z  app    clean    reconciled                  r-05T03
      2024-05-04T03:00:00.000Z  db     drifted  remediated     1 to create  r-04T03
      2024-05-04T03:00:00.000Z  app    error    error                       r-04T03  plan failed: exit code 1
      2024-05-03T04:00:00.000Z  db     drifted  drifted        3 to create  r-03T04  remediation awaiting approval: creates 3 resources
      2024-05-03T03:00:00.000Z  app    drifted  still drifted  2 to update  r-03T03
      2024-05-02T03:00:00.000Z  app    drifted  drifted        1 to update  r-02T03
      2024-05-01T03:00:00.000Z  app    clean    clean                       r-01T03
      "
    `);
  });
});
