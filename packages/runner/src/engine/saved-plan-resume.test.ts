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
const env = { PATH: process.env.PATH, TF_CLI_CONFIG_FILE: '/dev/null' };

/**
 * `resume` of an apply of saved plans (`apply --from-plan`, or an apply under
 * policies) that was stopped while terraform applied one of them: terraform
 * may have completed it. Applying that saved plan again would be stale to
 * terraform, and a plan now empty differs from the one reviewed; neither may
 * stop the run or ask for an approval of nothing.
 */
describe('runStacks: a saved plan whose apply was in flight when the run stopped', () => {
  it('plans again and, finding its changes in place, takes the outputs without asking for an approval', async () => {
    const temp = await createTempDir('sf-saved-resume-');
    temps.push(temp);
    await writeFile(join(temp.path, 'main.tf'), 'resource "terraform_data" "x" {\n  input = "v1"\n}\noutput "id" {\n  value = terraform_data.x.output\n}\n');
    const { manifest } = parseManifest('version: 1\nstacks:\n  net: { path: . }\n', 'stacks.yaml');
    const store = new MemoryStore();
    const options = {
      runId: 'p1',
      manifest,
      manifestDir: temp.path,
      repoDirs: {},
      stateDir: join(temp.path, '.stackfleet'),
      env,
      store,
      adapters: { command: createCommandAdapter(), terraform: createTerraformAdapter({ binary: 'terraform' }), tofu: createTerraformAdapter({ binary: 'tofu' }) },
      reporters: [],
    };
    const planRun: RunPlan = { command: 'plan', stacks, concurrency: 1, limits: {}, failFast: false };
    expect((await runStacks(planRun, { ...options, savePlans: true })).stacks.get('net')?.status).toBe('changed');
    const [saved] = await store.listSavedPlans('p1');
    expect(saved?.planFile).toBeDefined();
    // What the interrupted attempt did: terraform applied the saved plan; stackfleet stopped before recording it.
    execFileSync('terraform', ['apply', '-input=false', '-no-color', saved!.planFile!], { cwd: temp.path, env, stdio: 'ignore' });

    const asked: string[] = [];
    const lines: string[] = [];
    const applyRun: RunPlan = { command: 'apply', stacks, concurrency: 1, limits: {}, failFast: false };
    const resumed = await runStacks(applyRun, {
      ...options,
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
