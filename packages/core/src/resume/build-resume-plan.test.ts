import { describe, expect, it } from 'vitest';
import { createStackGraph } from '../graph/create-stack-graph.js';
import type { Manifest } from '../model.js';
import type { RunRecord, StackRunRecord } from '../store.js';
import { buildResumePlan } from './build-resume-plan.js';

// network -> app -> smoke
const graph = createStackGraph(
  ['network', 'app', 'smoke'],
  [
    { dependent: 'app', dependency: 'network', kind: 'dependsOn', keyPath: 'stacks.app.dependsOn' },
    { dependent: 'smoke', dependency: 'app', kind: 'dependsOn', keyPath: 'stacks.smoke.dependsOn' },
  ],
);
const manifest = { stacks: Object.fromEntries(graph.names.map((name) => [name, { labels: [] }])) } as unknown as Manifest;
const options = { concurrency: 2, limits: {}, failFast: false };

const run = (overrides: Partial<RunRecord> = {}): RunRecord => ({
  id: 'r1',
  command: 'apply',
  selection: { stack: ['network'], withDependents: true },
  // Recorded in an older order on purpose: the plan uses today's graph.
  stacks: ['smoke', 'network', 'app'],
  startedBy: 'me@here',
  host: 'here',
  pid: 1,
  repoShas: {},
  manifestPath: '/x/stacks.yaml',
  startedAt: '2026-01-01T00:00:00.000Z',
  status: 'interrupted',
  ...overrides,
});
const row = (stack: string, state: StackRunRecord['state']): StackRunRecord => ({ runId: 'r1', stack, state, attempt: 1 });

describe('buildResumePlan', () => {
  it('plans the same command over the same stacks, keeping finished ones and re-reading in-flight applies', () => {
    const resumed = buildResumePlan(graph, manifest, run(), [row('network', 'succeeded'), row('app', 'applying'), row('smoke', 'pending')], options);
    expect(resumed.plan.command).toBe('apply');
    expect(resumed.plan.stacks.map((stack) => [stack.name, stack.needs, stack.reason])).toEqual([
      ['network', [], 'resumed from run r1'],
      ['app', ['network'], 'resumed from run r1'],
      ['smoke', ['app'], 'resumed from run r1'],
    ]);
    expect(resumed.resume).toEqual({ runId: 'r1', alreadyDone: new Map([['network', 'succeeded']]), refreshOutputs: new Set(['app']) });
    expect(resumed.selection).toEqual({ stack: ['network'], withDependents: true });
    expect(resumed.runCommand).toBeUndefined();
  });

  it('runs failed and skipped stacks again but keeps denied ones', () => {
    const resumed = buildResumePlan(graph, manifest, run(), [row('network', 'denied'), row('app', 'failed'), row('smoke', 'skipped')], options);
    expect([...resumed.resume.alreadyDone]).toEqual([['network', 'denied']]);
  });

  it('gives back the argv of `stackfleet run`', () => {
    const resumed = buildResumePlan(graph, manifest, run({ command: 'run', selection: { runCommand: ['echo', 'hi'] } }), [], options);
    expect(resumed.runCommand).toEqual(['echo', 'hi']);
    expect(resumed.plan.command).toBe('run');
  });

  it('refuses a run whose stacks left the manifest', () => {
    expect(() => buildResumePlan(graph, manifest, run({ stacks: ['network', 'cache', 'db'] }), [], options)).toThrow(
      expect.objectContaining({ code: 'E_RESUME_MANIFEST', message: 'run r1 includes stacks no longer in the manifest: cache, db' }),
    );
  });
});
