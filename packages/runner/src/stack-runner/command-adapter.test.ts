import { chmod, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { ResolvedStack, StepName } from '@stackfleet/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCommandAdapter } from './command-adapter.js';
import { StackPhaseError } from './stack-phase-error.js';
import type { StackExecution } from './types.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'sf-command-'));
  await mkdir(join(root, 'stack'));
  await mkdir(join(root, 'work'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function makeExecution(stack: Partial<ResolvedStack>, signal = new AbortController().signal) {
  const lines: string[] = [];
  const steps: StepName[] = [];
  const execution: StackExecution = {
    runId: 'run-1',
    stack: {
      name: 'app',
      runner: 'command',
      dir: join(root, 'stack'),
      labels: [],
      env: {},
      secrets: {},
      files: {},
      hooks: {},
      commands: {},
      retries: { attempts: 1, on: [], backoffMs: 0 },
      provenance: {},
      ...stack,
    },
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', GREETING: 'hello' },
    workDir: join(root, 'work'),
    signal,
    onLine: (stream, line) => lines.push(`${stream}: ${line}`),
    onStep: (step) => steps.push(step),
  };
  return { execution, lines, steps };
}

const adapter = createCommandAdapter();

describe('createCommandAdapter', () => {
  it('runs commands with sh -c in the stack dir with the protocol variables', async () => {
    const script =
      'echo "$STACKFLEET_PHASE $STACKFLEET_STACK $STACKFLEET_RUN_ID $GREETING $(basename "$PWD")"; ' +
      'echo "$STACKFLEET_OUTPUTS" > outputs-path; echo \'{"url":"https://x","n":2}\' > "$STACKFLEET_OUTPUTS"';
    const { execution, lines, steps } = makeExecution({ commands: { apply: script } });
    const result = await adapter.apply(execution);
    expect(lines).toEqual(['stdout: apply app run-1 hello stack']);
    expect(steps).toEqual(['apply']);
    expect(result.outputs).toEqual({ url: { value: 'https://x', sensitive: false }, n: { value: 2, sensitive: false } });
    const outputsPath = (await readFile(join(root, 'stack', 'outputs-path'), 'utf8')).trim();
    expect(outputsPath.startsWith(join(root, 'work'))).toBe(true);
    expect(execution.env).not.toHaveProperty('STACKFLEET_PHASE');
  });

  it('gives each phase a fresh, empty outputs file readable by its owner only', async () => {
    const fresh = 'test ! -s "$STACKFLEET_OUTPUTS" && test "$(stat -c %a "$STACKFLEET_OUTPUTS")" = 600';
    const { execution } = makeExecution({ commands: { apply: `${fresh} && echo '{"a":1}' > "$STACKFLEET_OUTPUTS"` } });
    await adapter.apply(execution);
    await adapter.apply(execution);
    expect((await readdir(join(root, 'work'))).length).toBe(2);
  });

  it('hands the command an absolute outputs path even when workDir is relative', async () => {
    const { execution } = makeExecution({ commands: { apply: 'echo \'{"ok":true}\' > "$STACKFLEET_OUTPUTS"' } });
    const result = await adapter.apply({ ...execution, workDir: relative(process.cwd(), execution.workDir) });
    expect(result.outputs).toEqual({ ok: { value: true, sensitive: false } });
    expect(await readdir(join(root, 'stack'))).toEqual([]);
  });

  it('maps plan exit codes: 0 no changes, 2 changes, anything else an error', async () => {
    const plan = (code: number) => adapter.plan(makeExecution({ commands: { plan: `exit ${code}` } }).execution);
    await expect(plan(0)).resolves.toEqual({ hasChanges: false });
    await expect(plan(2)).resolves.toEqual({ hasChanges: true });
    const error = await plan(1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StackPhaseError);
    expect(error).toMatchObject({
      code: 'E_STACK_FAILED',
      message: 'plan exited with code 1',
      stackName: 'app',
      failure: { exitCode: 1, signal: null, timedOut: false },
    });
  });

  it('previews a destroy without running commands.plan: changes only with commands.destroy, with or without commands.plan', async () => {
    const preview = (commands: Record<string, string>) => adapter.plan({ ...makeExecution({ commands }).execution, planDestroy: true });
    await expect(preview({ apply: 'true' })).resolves.toEqual({ hasChanges: false });
    await expect(preview({ plan: 'exit 2', apply: 'true' })).resolves.toEqual({ hasChanges: false });
    await expect(preview({ apply: 'true', destroy: 'true' })).resolves.toEqual({ hasChanges: true });
    await expect(preview({ plan: 'exit 1', apply: 'true', destroy: 'true' })).resolves.toEqual({ hasChanges: true });
  });

  it('has a plan phase only when commands.plan is set', () => {
    const { execution } = makeExecution({ commands: { apply: 'true' } });
    expect(adapter.hasPlanPhase(execution.stack)).toBe(false);
    expect(adapter.hasPlanPhase({ ...execution.stack, commands: { plan: 'true' } })).toBe(true);
  });

  it('fails apply and destroy on a non-zero exit', async () => {
    await expect(adapter.apply(makeExecution({ commands: { apply: 'exit 2' } }).execution)).rejects.toThrow(
      'apply exited with code 2',
    );
    await expect(adapter.destroy(makeExecution({ commands: { destroy: 'exit 3' } }).execution)).rejects.toThrow(
      'destroy exited with code 3',
    );
  });

  it('treats a missing commands.destroy as nothing to destroy', async () => {
    const lines: string[] = [];
    const { execution } = makeExecution({ commands: { apply: 'true' } });
    await expect(adapter.destroy({ ...execution, onLine: (_stream, line) => lines.push(line) })).resolves.toBeUndefined();
    expect(lines).toEqual(['no commands.destroy: nothing to destroy']);
  });

  it('returns no outputs without a file and names stack and file for malformed JSON', async () => {
    await expect(adapter.apply(makeExecution({ commands: { apply: 'true' } }).execution)).resolves.toEqual({ outputs: {} });
    const bad = adapter.apply(makeExecution({ commands: { apply: 'echo "{oops" > "$STACKFLEET_OUTPUTS"' } }).execution);
    await expect(bad).rejects.toMatchObject({ code: 'E_OUTPUTS_INVALID' });
    await expect(bad).rejects.toThrow(/stack "app": outputs file ".*work\/app\.apply\.outputs\.json" is not valid JSON/);
    const list = adapter.apply(makeExecution({ commands: { apply: 'echo "[1]" > "$STACKFLEET_OUTPUTS"' } }).execution);
    await expect(list).rejects.toThrow('must hold one JSON object, got an array');
  });

  it('reports a timeout from a TimeoutError abort with the stack timeout', async () => {
    const { execution } = makeExecution({ commands: { apply: 'sleep 30' }, timeoutMs: 1_800_000 }, AbortSignal.timeout(200));
    await expect(adapter.apply(execution)).rejects.toMatchObject({
      message: 'apply timed out after 30m',
      failure: { timedOut: true },
    });
  });

  it('runs argv directly, without a shell', async () => {
    const { execution, lines, steps } = makeExecution({});
    await adapter.runCommand(execution, ['echo', '$STACKFLEET_STACK', '; rm -rf /']);
    expect(lines).toEqual(['stdout: $STACKFLEET_STACK ; rm -rf /']);
    expect(steps).toEqual(['run']);
    await writeFile(join(root, 'stack', 'fail.sh'), '#!/bin/sh\nexit 4\n');
    await chmod(join(root, 'stack', 'fail.sh'), 0o755);
    await expect(adapter.runCommand(execution, ['./fail.sh'])).rejects.toThrow('run exited with code 4');
  });

  it('runs hooks around phases, in order, with the protocol variables', async () => {
    const log = 'echo "$1 $STACKFLEET_PHASE" >> ../hooks.log';
    const hook = (name: string) => [`sh -c '${log}' - ${name}`];
    const { execution, steps } = makeExecution({
      commands: { plan: 'echo plan >> ../hooks.log; exit 2', apply: 'echo apply >> ../hooks.log', destroy: 'echo destroy >> ../hooks.log' },
      hooks: {
        beforePlan: hook('beforePlan'),
        afterPlan: hook('afterPlan'),
        beforeApply: hook('beforeApply'),
        afterApply: hook('afterApply'),
        beforeDestroy: hook('beforeDestroy'),
        afterDestroy: hook('afterDestroy'),
      },
    });
    await adapter.plan(execution);
    await adapter.apply(execution);
    await adapter.destroy(execution);
    expect((await readFile(join(root, 'hooks.log'), 'utf8')).trim().split('\n')).toEqual([
      'beforePlan plan',
      'plan',
      'afterPlan plan',
      'beforeApply apply',
      'apply',
      'afterApply apply',
      'beforeDestroy destroy',
      'destroy',
      'afterDestroy destroy',
    ]);
    expect(steps).toEqual(['hooks', 'plan', 'hooks', 'hooks', 'apply', 'hooks', 'hooks', 'destroy', 'hooks']);
  });

  it('a failing before-hook fails the phase before its command runs; a failing after-hook fails too', async () => {
    const before = makeExecution({ commands: { apply: 'touch applied' }, hooks: { beforeApply: ['true', 'exit 5', 'touch third'] } });
    await expect(adapter.apply(before.execution)).rejects.toMatchObject({
      code: 'E_STACK_FAILED',
      message: 'hook beforeApply "exit 5" exited with code 5',
    });
    await expect(readdir(join(root, 'stack'))).resolves.toEqual([]);
    const after = makeExecution({ commands: { apply: 'true' }, hooks: { afterApply: ['exit 1'] } });
    await expect(adapter.apply(after.execution)).rejects.toThrow('hook afterApply "exit 1" exited with code 1');
  });
});
