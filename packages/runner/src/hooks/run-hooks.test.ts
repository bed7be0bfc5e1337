import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { access } from 'node:fs/promises';
import { renderShellTemplate, type ResolvedStack, type StepName } from '@stackfleet/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StackExecution } from '../stack-runner/types.js';
import { runHooks } from './run-hooks.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sf-hooks-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function makeExecution(hooks: ResolvedStack['hooks'], hookEnv: Record<string, string> = {}) {
  const steps: StepName[] = [];
  const execution: StackExecution = {
    runId: 'run-7',
    stack: { name: 'app', dir, hooks, hookEnv } as unknown as ResolvedStack,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TOKEN: 'abc' },
    workDir: dir,
    signal: new AbortController().signal,
    onLine: () => undefined,
    onStep: (step) => steps.push(step),
  };
  return { execution, steps };
}

describe('runHooks', () => {
  it('runs each hook with sh -c in the stack dir, in order, with the hook variables', async () => {
    const { execution, steps } = makeExecution({
      afterRun: ['echo "1 $STACKFLEET_HOOK $STACKFLEET_STACK $STACKFLEET_RUN_ID $TOKEN" >> hooks.log', 'echo 2 >> hooks.log'],
    });
    await runHooks('afterRun', execution);
    expect(await readFile(join(dir, 'hooks.log'), 'utf8')).toBe('1 afterRun app run-7 abc\n2\n');
    expect(steps).toEqual(['hooks']);
  });

  it('does nothing (and reports no step) without hooks', async () => {
    const { execution, steps } = makeExecution({});
    await runHooks('beforePlan', execution);
    expect(steps).toEqual([]);
  });

  it('stops at the first failing hook', async () => {
    const { execution } = makeExecution({ beforePlan: ['exit 7', 'touch never'] });
    await expect(runHooks('beforePlan', execution)).rejects.toMatchObject({
      code: 'E_STACK_FAILED',
      message: 'hook beforePlan "exit 7" exited with code 7',
      failure: { exitCode: 7 },
    });
    await expect(readFile(join(dir, 'never'))).rejects.toThrow();
  });

  it('never executes an interpolated value, whatever the quoting around it', async () => {
    const hostile = `web-$(touch pwned)\`touch pwned2\`'"; touch pwned3`;
    let count = 0;
    const { command, env } = renderShellTemplate(
      `printf '%s\\n' \${{ stacks.web.outputs.url }} "d:\${{ stacks.web.outputs.url }}" 's:\${{ stacks.web.outputs.url }}' > values`,
      { vars: {}, env: {}, outputs: () => ({ url: hostile }), stackName: 'app' },
      () => `STACKFLEET_HOOK_VALUE_${(count += 1)}`,
    );
    const { execution } = makeExecution({ afterApply: [command] }, env);
    await runHooks('afterApply', execution);
    expect(await readFile(join(dir, 'values'), 'utf8')).toBe(`${hostile}\nd:${hostile}\ns:${hostile}\n`);
    for (const file of ['pwned', 'pwned2', 'pwned3']) await expect(access(join(dir, file))).rejects.toThrow();
  });
});
