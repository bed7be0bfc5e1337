import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseManifest, type PlannedStack, type RunEvent } from '@stackfleet/core';
import { MemoryStore, createTempDir, writeCommandFleet, type TempDir } from '@stackfleet/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { createCommandAdapter } from '../stack-runner/command-adapter.js';
import { runStacks } from './run-stacks.js';

const temps: TempDir[] = [];
afterEach(async () => {
  await Promise.all(temps.splice(0).map((temp) => temp.cleanup()));
});

/** Two drifted command stacks (plan exits 2): `a`, then `b` after it. */
async function runDrift(decide: (stack: string) => boolean) {
  const temp = await createTempDir('sf-drift-');
  temps.push(temp);
  const fleet = await writeCommandFleet(temp.path, { stacks: { a: { outputs: { v: 1 } }, b: { dependsOn: ['a'] } } });
  const { manifest } = parseManifest(await readFile(fleet.manifestFile, 'utf8'), 'stacks.yaml');
  const stacks: PlannedStack[] = [
    { name: 'a', needs: [], reason: 'selected', onlyAsDependent: false },
    { name: 'b', needs: ['a'], reason: 'selected', onlyAsDependent: false },
  ];
  const store = new MemoryStore();
  const events: RunEvent[] = [];
  const asked: string[] = [];
  const result = await runStacks(
    { command: 'drift', stacks, concurrency: 2, limits: {}, failFast: false },
    {
      runId: 'drift-1',
      manifest,
      manifestDir: temp.path,
      repoDirs: {},
      stateDir: join(temp.path, '.stackfleet'),
      env: { PATH: process.env.PATH },
      store,
      adapters: { command: createCommandAdapter(), terraform: createCommandAdapter(), tofu: createCommandAdapter() },
      reporters: [{ onEvent: (event) => events.push(event) }],
      remediation: {
        stacks: new Set(['a']),
        decide: (stack) => {
          asked.push(stack);
          return decide(stack);
        },
      },
    },
  );
  const phases = (await readFile(fleet.logFile, 'utf8')).split('\n').filter((line) => line.includes(' start ')).map((line) => line.split(' ').slice(0, 2).join(' '));
  return { result, store, asked, phases };
}

describe('runStacks: drift remediation', () => {
  it('applies an opted-in drifted stack right after its plan, and only asks about opted-in stacks', async () => {
    const { result, store, asked, phases } = await runDrift(() => true);
    expect(asked).toEqual(['a']);
    expect(phases).toEqual(['a plan', 'a apply', 'b plan']);
    expect(result.stacks.get('a')).toMatchObject({ status: 'succeeded', reason: 'drift remediated' });
    expect(result.stacks.get('b')?.status).toBe('changed');
    expect((await store.getOutputs('a'))?.outputs).toEqual({ v: { value: 1, sensitive: false } });
    expect(await store.listLocks()).toEqual([]);
  });

  it('only plans when the decision is no', async () => {
    const { result, phases } = await runDrift(() => false);
    expect(phases).toEqual(['a plan', 'b plan']);
    expect(result.stacks.get('a')?.status).toBe('changed');
  });
});
