import { execFileSync } from 'node:child_process';
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

const stacks = [{ name: 'net', needs: [], reason: 'selected' as const, onlyAsDependent: false }];
const plan: RunPlan = { command: 'apply', stacks, concurrency: 1, limits: {}, failFast: false };
const env = { PATH: process.env.PATH, TF_CLI_CONFIG_FILE: '/dev/null' };

/** One terraform stack, `net`, with one output; `options` are a run's over it. */
async function createNetFleet() {
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
    env,
    store,
    adapters: { command: createCommandAdapter(), terraform: createTerraformAdapter({ binary: 'terraform' }), tofu: createTerraformAdapter({ binary: 'tofu' }) },
    reporters: [],
  });
  return { dir: temp.path, options };
}

/**
 * A terraform apply that finished right before stackfleet died leaves state
 * applied but outputs unrecorded; on resume its plan is empty. With the stack
 * in `refreshOutputs` the engine reads the outputs again instead of calling it
 * unchanged with stale (or no) outputs; a new run does the same for a stack
 * whose outputs the store lacks.
 */
describe('runStacks: outputs of an apply that completed before a crash', () => {
  it('reads them again on resume when the plan is now empty', async () => {
    const { options } = await createNetFleet();
    // The apply happens; its outputs land in a store we then "lose".
    const first = await runStacks(plan, options(new MemoryStore(), 'run-1'));
    expect(first.stacks.get('net')?.status).toBe('succeeded');

    const store = new MemoryStore();
    const resumed = await runStacks(plan, { ...options(store, 'run-2'), refreshOutputs: new Set(['net']) });
    expect(resumed.stacks.get('net')).toMatchObject({ status: 'succeeded', reason: 'apply completed before the run stopped; outputs read again' });
    expect((await store.getOutputs('net'))?.outputs).toEqual({ id: { value: 'v1', sensitive: false } });
  }, 60_000);

  it('reads them in a new run too when the store has none (a lost state directory), and leaves recorded ones alone', async () => {
    const { options } = await createNetFleet();
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

/**
 * `resume` of an apply of saved plans (`apply --from-plan`, or an apply under
 * policies) that was stopped while terraform applied one of them: terraform
 * may have completed it. Applying that saved plan again would be stale to
 * terraform, and a plan now empty differs from the one reviewed; neither may
 * stop the run or ask for an approval of nothing.
 */
describe('runStacks: a saved plan whose apply was in flight when the run stopped', () => {
  it('plans again and, finding its changes in place, takes the outputs without asking for an approval', async () => {
    const { dir, options } = await createNetFleet();
    const store = new MemoryStore();
    const planRun: RunPlan = { ...plan, command: 'plan' };
    expect((await runStacks(planRun, { ...options(store, 'p1'), savePlans: true })).stacks.get('net')?.status).toBe('changed');
    const [saved] = await store.listSavedPlans('p1');
    expect(saved?.planFile).toBeDefined();
    // What the interrupted attempt did: terraform applied the saved plan; stackfleet stopped before recording it.
    execFileSync('terraform', ['apply', '-input=false', '-no-color', saved!.planFile!], { cwd: dir, env, stdio: 'ignore' });

    const asked: string[] = [];
    const lines: string[] = [];
    const resumed = await runStacks(plan, {
      ...options(store, 'p1'),
      reporters: [{ onEvent: (event) => void (event.type === 'stack.log' && lines.push(event.line)) }],
      fromPlan: { runId: 'p1', plans: new Map([['net', saved!]]), approveChangedPlan: (stack) => (asked.push(stack), false) },
      refreshOutputs: new Set(['net']),
    });
    expect(resumed.stacks.get('net')).toMatchObject({ status: 'succeeded', reason: 'apply completed before the run stopped; outputs read again' });
    expect(asked).toEqual([]);
    expect(lines).toContain("stackfleet: net was applying run p1's plan when the run stopped; planning again");
    expect(lines).toContain("stackfleet: the changes of net's saved plan (+1) are already in place");
    expect((await store.getOutputs('net'))?.outputs).toEqual({ id: { value: 'v1', sensitive: false } });
    expect(await store.listSavedPlans('p1')).toEqual([]);
  }, 90_000);
});
