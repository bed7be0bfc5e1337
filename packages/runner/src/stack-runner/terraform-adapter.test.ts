import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResolvedStack, StepName } from '@stackfleet/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTerraformAdapter } from './terraform-adapter.js';
import type { StackExecution } from './types.js';

const MAIN_TF = `
variable "name" {
  type    = string
  default = "first"
}
resource "terraform_data" "kept" {
  input = "constant"
}
resource "terraform_data" "named" {
  triggers_replace = var.name
}
output "name" {
  value = var.name
}
output "password" {
  value     = "pw-\${var.name}-secret"
  sensitive = true
}
`;

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sf-terraform-'));
  await mkdir(join(root, 'stack'));
  await mkdir(join(root, 'work'));
  await writeFile(join(root, 'stack', 'main.tf'), MAIN_TF);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const hookLog = (name: string) => [`echo "${name} $TF_IN_AUTOMATION" >> ../hooks.log`];

function makeExecution(env: Record<string, string> = {}, hooks: ResolvedStack['hooks'] = {}) {
  const lines: string[] = [];
  const steps: StepName[] = [];
  const stack = { name: 'net', runner: 'terraform', dir: join(root, 'stack'), hooks, commands: {} } as unknown as ResolvedStack;
  const execution: StackExecution = {
    runId: 'run-1',
    stack,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: root, TF_CLI_CONFIG_FILE: '/dev/null', ...env },
    workDir: join(root, 'work'),
    signal: new AbortController().signal,
    onLine: (_stream, line) => lines.push(line),
    onStep: (step) => steps.push(step),
  };
  return { execution, lines, steps };
}

describe('createTerraformAdapter (real terraform)', () => {
  it('plans, applies a saved plan, reads sensitive outputs, re-plans without changes, replaces, destroys', async () => {
    const adapter = createTerraformAdapter({ binary: 'terraform' });

    const hooks = Object.fromEntries(
      ['beforeInit', 'beforePlan', 'afterPlan', 'beforeApply', 'afterApply'].map((name) => [name, hookLog(name)]),
    );
    const first = makeExecution({}, hooks);
    const plan = await adapter.plan(first.execution);
    expect(plan).toMatchObject({
      hasChanges: true,
      changes: {
        create: 2,
        update: 0,
        delete: 0,
        replace: 0,
        resources: [
          { address: 'terraform_data.kept', action: 'create' },
          { address: 'terraform_data.named', action: 'create' },
        ],
      },
    });
    expect(plan.planFile).toBe(join(root, 'work', 'net.tfplan'));
    expect(first.steps).toEqual(['hooks', 'init', 'hooks', 'plan', 'hooks']);
    expect(first.lines.some((line) => line.includes('Plan: 2 to add'))).toBe(true);
    expect(first.lines.some((line) => line.includes('format_version'))).toBe(false);
    await expect(adapter.apply(first.execution)).rejects.toMatchObject({ code: 'E_PLAN_REQUIRED' });

    const applied = await adapter.apply(first.execution, plan);
    expect(applied.outputs).toEqual({
      name: { value: 'first', sensitive: false },
      password: { value: 'pw-first-secret', sensitive: true },
    });
    expect(first.steps.slice(5)).toEqual(['hooks', 'apply', 'outputs', 'hooks']);
    expect(await readFile(join(root, 'hooks.log'), 'utf8')).toBe(
      'beforeInit 1\nbeforePlan 1\nafterPlan 1\nbeforeApply 1\nafterApply 1\n',
    );
    expect(first.lines.some((line) => line.includes('Apply complete! Resources: 2 added'))).toBe(true);
    expect(first.lines.join('\n')).not.toContain('pw-first-secret');

    const again = await adapter.plan(makeExecution().execution);
    expect(again).toMatchObject({ hasChanges: false, changes: { create: 0, update: 0, delete: 0, replace: 0 } });

    const renamedRun = makeExecution({ TF_VAR_name: 'second' });
    const renamed = await adapter.plan(renamedRun.execution);
    expect(renamed).toMatchObject({
      hasChanges: true,
      changes: { create: 0, update: 0, delete: 0, replace: 1, resources: [{ address: 'terraform_data.named', action: 'replace' }] },
    });
    // A saved plan restored in another checkout: init runs before the apply.
    await adapter.apply(renamedRun.execution, { ...renamed, initBeforeApply: true });
    expect(renamedRun.steps).toEqual(['init', 'plan', 'init', 'apply', 'outputs']);

    const destroy = makeExecution();
    await adapter.destroy(destroy.execution);
    expect(destroy.steps).toEqual(['init', 'destroy']);
    expect(destroy.lines.some((line) => line.includes('Destroy complete! Resources: 2 destroyed'))).toBe(true);
    await expect(adapter.readOutputs?.(makeExecution().execution)).resolves.toEqual({});
  }, 90_000);

  it('reports a failing plan as a StackPhaseError with the exit code', async () => {
    const broken = await mkdtemp(join(root, 'broken-'));
    await writeFile(join(broken, 'main.tf'), 'resource "terraform_data" "x" { input = var.missing }\n');
    const { execution, lines } = makeExecution();
    const error = await createTerraformAdapter({ binary: 'terraform' })
      .plan({ ...execution, stack: { ...execution.stack, dir: broken } })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_STACK_FAILED', failure: { exitCode: 1 } });
    expect(lines.join('\n')).toContain('Reference to undeclared input variable');
  }, 60_000);
});
