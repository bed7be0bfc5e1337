import { chmod, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { StackfleetError, terraformPlanFile, type Outputs } from '@stackfleet/core';
import { createPrivateFile } from '../files/create-private-file.js';
import { runHooks } from '../hooks/run-hooks.js';
import { countPlanChanges, parsePlanJson, parseTerraformOutputs } from './parse-terraform-json.js';
import { runPhaseProcess } from './run-phase-process.js';
import { runStackCommand, withEnv } from './run-stack-command.js';
import type { StackExecution, StackRunnerAdapter } from './types.js';
import { pathExists } from '../files/path-exists.js';

export interface TerraformAdapterOptions {
  /** `terraform`, `tofu`, or a path to either. */
  binary: string;
}

/** Terraform's documented switches for running unattended: no prompts, terse hints. */
const AUTOMATION_ENV = { TF_IN_AUTOMATION: '1', TF_INPUT: '0' };

/**
 * `runner: terraform | tofu` (SPEC §3): `init -input=false`, `plan -out`
 * with `-detailed-exitcode` then `show -json` for the change summary, `apply`
 * of that saved plan, `output -json` with sensitivity kept.
 */
export function createTerraformAdapter(options: TerraformAdapterOptions): StackRunnerAdapter {
  const { binary } = options;
  const tf = (execution: StackExecution, step: string, args: string[], extra: { okExitCodes?: number[]; captureStdout?: boolean } = {}) =>
    runPhaseProcess(execution, { step, argv: [binary, ...args], ...extra });

  const init = async (execution: StackExecution): Promise<void> => {
    await runHooks('beforeInit', execution);
    execution.onStep('init');
    await tf(execution, 'init', ['init', '-input=false', '-no-color']);
  };

  const readOutputs = async (execution: StackExecution): Promise<Outputs> => {
    execution.onStep('outputs');
    const { stdout } = await tf(execution, 'output', ['output', '-json', '-no-color'], { captureStdout: true });
    return parseTerraformOutputs(execution.stack.name, stdout ?? '');
  };

  return {
    hasPlanPhase: () => true,

    async plan(original) {
      const execution = withEnv(original, AUTOMATION_ENV);
      await init(execution);
      await runHooks('beforePlan', execution);
      execution.onStep('plan');
      // Absolute: terraform runs in the stack directory, a relative workDir would point elsewhere.
      const planFile = terraformPlanFile(resolve(execution.workDir), execution.stack.name);
      await createPrivateFile(planFile);
      const args = ['plan', '-input=false', '-no-color', '-detailed-exitcode', ...(execution.planDestroy ? ['-destroy'] : []), `-out=${planFile}`];
      const { exitCode } = await tf(execution, 'plan', args, { okExitCodes: [0, 2] });
      // A plan file holds every variable and secret in clear text (terraform's format): owner-only.
      await chmod(planFile, 0o600);
      const hasChanges = exitCode === 2;
      // No changes: skip `show -json`, it would only count zeros.
      const show = hasChanges ? parsePlanJson(execution.stack.name, await showPlan(execution, planFile)) : undefined;
      const changes = show !== undefined ? countPlanChanges(show) : { create: 0, update: 0, delete: 0, replace: 0, resources: [] };
      await runHooks('afterPlan', execution);
      return { hasChanges, changes, planFile, ...(show === undefined ? {} : { show }) };
    },

    async apply(original, plan) {
      if (plan?.planFile === undefined) {
        throw new StackfleetError('E_PLAN_REQUIRED', `stack "${original.stack.name}": apply needs the saved plan from its plan phase`, {
          hint: 'run plan first and pass its PlanResult to apply (terraform applies only what was planned)',
        });
      }
      const execution = withEnv(original, AUTOMATION_ENV);
      // A saved plan restored in another checkout (a later CI job than the plan's): providers and backend come first.
      if (plan.initBeforeApply) await init(execution);
      await runHooks('beforeApply', execution);
      execution.onStep('apply');
      await tf(execution, 'apply', ['apply', '-input=false', '-no-color', plan.planFile]);
      // Applied: the plan (and the secrets in it) is no longer needed.
      await rm(plan.planFile, { force: true });
      const outputs = await readOutputs(execution);
      await runHooks('afterApply', execution);
      return { outputs };
    },

    async destroy(original, plan) {
      const execution = withEnv(original, AUTOMATION_ENV);
      // A saved destroy plan was made after init; applying it destroys exactly what policies judged.
      if (plan?.planFile === undefined) await init(execution);
      await runHooks('beforeDestroy', execution);
      execution.onStep('destroy');
      if (plan?.planFile === undefined) {
        await tf(execution, 'destroy', ['destroy', '-auto-approve', '-input=false', '-no-color']);
      } else {
        await tf(execution, 'destroy', ['apply', '-input=false', '-no-color', plan.planFile]);
        await rm(plan.planFile, { force: true });
      }
      await runHooks('afterDestroy', execution);
    },

    runCommand: (execution, argv) => runStackCommand(withEnv(execution, AUTOMATION_ENV), argv),

    async readOutputs(original) {
      const execution = withEnv(original, AUTOMATION_ENV);
      // A fresh checkout has no .terraform yet; a remote backend needs init before it can read state.
      if (!(await pathExists(join(execution.stack.dir, '.terraform')))) await init(execution);
      return readOutputs(execution);
    },

    async showPlan(execution, planFile) {
      return parsePlanJson(execution.stack.name, await showPlan(execution, planFile));
    },
  };

  async function showPlan(execution: StackExecution, planFile: string): Promise<string> {
    // Captured, not streamed: the JSON can be megabytes and is not for humans.
    const { stdout } = await tf(execution, 'show', ['show', '-json', '-no-color', planFile], { captureStdout: true });
    return stdout ?? '';
  }
}

