import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseManifest, type RunPlan } from '@stackfleet/core';
import { MemoryStore, createTempDir, type TempDir } from '@stackfleet/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { createCommandAdapter } from '../stack-runner/command-adapter.js';
import { createTerraformAdapter } from '../stack-runner/terraform-adapter.js';
import { runStacks } from './run-stacks.js';

const temps: TempDir[] = [];
afterEach(async () => {
  await Promise.all(temps.splice(0).map((temp) => temp.cleanup()));
});

const plan: RunPlan = { command: 'apply', stacks: [{ name: 'net', needs: [], reason: 'selected', onlyAsDependent: false }], concurrency: 1, limits: {}, failFast: false };

/**
 * A terraform apply that finished right before stackfleet died leaves state
 * applied but outputs unrecorded; on resume its plan is empty. With the stack
 * in `refreshOutputs` the engine reads the outputs again instead of calling it
 * unchanged with stale (or no) outputs; a new run does the same for a stack
 * whose outputs the store lacks.
 */
describe('runStacks: outputs of an apply that completed before a crash', () => {
  it('reads them again on resume when the plan is now empty', async () => {
    const temp = await createTempDir('sf-refresh-');
    temps.push(temp);
    await writeFile(join(temp.path, 'main.tf'), 'resource "terraform_data" "x" {\n  input = "v1"\n}\noutput "id" {\n  value = terraform_data.x.output\n}\n');
    const { manifest } = parseManifest('version: 1\nstacks:\n  net: { path: . }\n', 'stacks.yaml');
    const options = (store: MemoryStore, runId: string, refreshOutputs?: Set<string>) => ({
      runId,
      manifest,
      manifestDir: temp.path,
      repoDirs: {},
      stateDir: join(temp.path, '.stackfleet'),
      env: { PATH: process.env.PATH, TF_CLI_CONFIG_FILE: '/dev/null' },
      store,
      adapters: { command: createCommandAdapter(), terraform: createTerraformAdapter({ binary: 'terraform' }), tofu: createTerraformAdapter({ binary: 'tofu' }) },
      reporters: [],
      ...(refreshOutputs ? { refreshOutputs } : {}),
    });
    // The apply happens; its outputs land in a store we then "lose".
    const first = await runStacks(plan, options(new MemoryStore(), 'run-1'));
    expect(first.stacks.get('net')?.status).toBe('succeeded');

    const store = new MemoryStore();
    const resumed = await runStacks(plan, options(store, 'run-2', new Set(['net'])));
    expect(resumed.stacks.get('net')).toMatchObject({ status: 'succeeded', reason: 'apply completed before the run stopped; outputs read again' });
    expect((await store.getOutputs('net'))?.outputs).toEqual({ id: { value: 'v1', sensitive: false } });
  }, 60_000);

  it('reads them in a new run too when the store has none (a lost state directory), and leaves recorded ones alone', async () => {
    const temp = await createTempDir('sf-refresh-');
    temps.push(temp);
    await writeFile(join(temp.path, 'main.tf'), 'resource "terraform_data" "x" {\n  input = "v1"\n}\noutput "id" {\n  value = terraform_data.x.output\n}\n');
    const { manifest } = parseManifest('version: 1\nstacks:\n  net: { path: . }\n', 'stacks.yaml');
    const options = (store: MemoryStore, runId: string) => ({
      runId,
      manifest,
      manifestDir: temp.path,
      repoDirs: {},
      stateDir: join(temp.path, '.stackfleet'),
      env: { PATH: process.env.PATH, TF_CLI_CONFIG_FILE: '/dev/null' },
      store,
      adapters: { command: createCommandAdapter(), terraform: createTerraformAdapter({ binary: 'terraform' }), tofu: createTerraformAdapter({ binary: 'tofu' }) },
      reporters: [],
    });
    expect((await runStacks(plan, options(new MemoryStore(), 'run-1'))).stacks.get('net')?.status).toBe('succeeded');

    const store = new MemoryStore();
    const lost = await runStacks(plan, options(store, 'run-2'));
    expect(lost.stacks.get('net')).toMatchObject({ status: 'unchanged', reason: 'plan has no changes; its outputs were not recorded: read them' });
    expect((await store.getOutputs('net'))?.outputs).toEqual({ id: { value: 'v1', sensitive: false } });

    const again = await runStacks(plan, options(store, 'run-3'));
    expect(again.stacks.get('net')).toMatchObject({ status: 'unchanged', reason: 'plan has no changes' });
    expect((await store.getOutputs('net'))?.runId).toBe('run-2');
  }, 60_000);
});
