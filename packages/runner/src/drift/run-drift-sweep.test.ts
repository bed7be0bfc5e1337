import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseManifest, type RunEvent, type RunPlan } from '@stackfleet/core';
import { MemoryStore, createTempDir, writeCommandFleet, type CommandFleetStack, type TempDir } from '@stackfleet/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { createCommandAdapter } from '../stack-runner/command-adapter.js';
import { prepareDriftSweep } from './prepare-drift-sweep.js';
import { runDriftSweep, type DriftSweepOptions } from './run-drift-sweep.js';

const temps: TempDir[] = [];
afterEach(async () => {
  await Promise.all(temps.splice(0).map((temp) => temp.cleanup()));
});

async function createSweep(stacks: Record<string, CommandFleetStack>) {
  const temp = await createTempDir('sf-sweep-');
  temps.push(temp);
  const fleet = await writeCommandFleet(temp.path, { stacks });
  const manifest = parseManifest(await readFile(fleet.manifestFile, 'utf8'), 'stacks.yaml').manifest;
  const store = new MemoryStore();
  const plan: RunPlan = {
    command: 'drift',
    stacks: Object.entries(stacks).map(([name, stack]) => ({ name, needs: (stack.dependsOn ?? []) as string[], reason: 'selected', onlyAsDependent: false })),
    concurrency: 2,
    limits: {},
    failFast: false,
  };
  const events: RunEvent[] = [];
  const options = (extra: Partial<DriftSweepOptions> = {}): DriftSweepOptions => ({
    manifest,
    manifestDir: temp.path,
    manifestPath: fleet.manifestFile,
    repoDirs: {},
    stateDir: join(temp.path, '.stackfleet'),
    env: { PATH: process.env.PATH },
    store,
    adapters: { command: createCommandAdapter(), terraform: createCommandAdapter(), tofu: createCommandAdapter() },
    listeners: [(event) => events.push(event)],
    ...extra,
  });
  return { manifest, store, plan, events, options };
}

describe('runDriftSweep', () => {
  it('checks what can be checked, reports the rest as skipped, and records each checked stack', async () => {
    const { manifest, store, plan, events, options } = await createSweep({
      clean: { exitCodes: { plan: 0 } },
      drifted: {},
      script: { plan: false },
      broken: { exitCodes: { plan: 1 } },
    });
    const checks = await prepareDriftSweep(plan, { manifest, store });
    const { sweep, interrupted } = await runDriftSweep(checks, options());
    expect(interrupted).toBe(false);
    expect(sweep.stacks.map((result) => [result.stack, result.status])).toEqual([
      ['clean', 'clean'],
      ['drifted', 'drifted'],
      ['script', 'skipped'],
      ['broken', 'error'],
    ]);
    expect(events.find((event) => event.type === 'run.started')).toMatchObject({ command: 'drift', stacks: ['clean', 'drifted', 'broken'] });
    expect((await store.driftHistory()).map((record) => [record.stack, record.status, record.runId === sweep.runId]).sort()).toEqual([
      ['broken', 'error', true],
      ['clean', 'clean', true],
      ['drifted', 'drifted', true],
    ]);
    expect(await store.getRun(sweep.runId)).toMatchObject({ command: 'drift', status: 'failed' });
  });

  it('with remediate, applies an opted-in drifted stack and records it remediated', async () => {
    const { manifest, store, plan, options } = await createSweep({ heal: { extra: { drift: { remediate: true } } }, keep: {} });
    const { sweep } = await runDriftSweep(await prepareDriftSweep(plan, { manifest, store }), options({ remediate: true }));
    expect(sweep.stacks.map((result) => [result.stack, result.status, result.remediation?.status])).toEqual([
      ['heal', 'drifted', 'applied'],
      ['keep', 'drifted', 'not-opted-in'],
    ]);
    expect((await store.latestDrift('heal'))?.remediated).toBe(true);
  });

  it('runs and records nothing when nothing can be checked', async () => {
    const { manifest, store, plan, events, options } = await createSweep({ script: { plan: false } });
    const { sweep } = await runDriftSweep(await prepareDriftSweep(plan, { manifest, store }), options());
    expect(sweep.runId).toBe('');
    expect(sweep.stacks).toMatchObject([{ stack: 'script', status: 'skipped' }]);
    expect(events).toEqual([]);
    expect(await store.listRuns()).toEqual([]);
    expect(await store.driftHistory()).toEqual([]);
  });

  it('with due, reads the last checks from the store', async () => {
    const { manifest, store, plan } = await createSweep({ nightly: { extra: { drift: { schedule: '0 3 * * *' } } } });
    await store.recordDrift({ stack: 'nightly', runId: 'r0', checkedAt: '2024-05-02T03:10:00.000Z', status: 'clean' });
    const notDue = await prepareDriftSweep(plan, { manifest, store, due: true, now: () => new Date('2024-05-02T12:00:00.000Z') });
    expect(notDue.plan.stacks).toEqual([]);
    const due = await prepareDriftSweep(plan, { manifest, store, due: true, now: () => new Date('2024-05-03T04:00:00.000Z') });
    expect(due.plan.stacks.map((stack) => stack.name)).toEqual(['nightly']);
  });
});
