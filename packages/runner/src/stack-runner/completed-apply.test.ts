import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCommandAdapter } from './command-adapter.js';
import { runWorkDir } from '@stackfleet/core';
import { readCompletedApply } from './completed-apply.js';
import type { StackExecution } from './types.js';

let stateDir: string | undefined;
afterEach(() => {
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  stateDir = undefined;
});

function execution(state: string, apply: string): StackExecution {
  const dir = join(state, 'stack');
  mkdirSync(dir, { recursive: true });
  const workDir = runWorkDir(state, 'run-1');
  mkdirSync(workDir, { recursive: true });
  return {
    runId: 'run-1',
    stack: { name: 'app', runner: 'command', dir, labels: [], env: {}, secrets: {}, files: {}, hooks: {}, commands: { apply }, retries: { attempts: 1, on: [], backoffMs: 0 }, provenance: {} },
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    workDir,
    signal: new AbortController().signal,
    onLine: () => undefined,
    onStep: () => undefined,
  };
}

describe('readCompletedApply', () => {
  it('returns the outputs of an apply that exited 0, as recorded by the process gate', async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'completed-apply-'));
    await createCommandAdapter().apply(execution(stateDir, 'echo \'{"url": "https://x"}\' > "$STACKFLEET_OUTPUTS"'));
    await expect(readCompletedApply(stateDir, 'run-1', 'app')).resolves.toEqual({ outputs: { url: { value: 'https://x', sensitive: false } }, workDir: runWorkDir(stateDir, 'run-1') });
  });

  it('returns undefined for a failed apply, or when no exit status was recorded', async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'completed-apply-'));
    await expect(createCommandAdapter().apply(execution(stateDir, 'echo \'{"a": 1}\' > "$STACKFLEET_OUTPUTS"; exit 1'))).rejects.toThrow();
    await expect(readCompletedApply(stateDir, 'run-1', 'app')).resolves.toBeUndefined();
    await expect(readCompletedApply(stateDir, 'run-2', 'app')).resolves.toBeUndefined();
  });

  it('does not take a hook\'s exit status for the apply\'s', async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'completed-apply-'));
    const run = execution(stateDir, 'exit 5');
    await expect(createCommandAdapter().apply({ ...run, stack: { ...run.stack, hooks: { beforeApply: ['true'] } } })).rejects.toThrow();
    await expect(readCompletedApply(stateDir, 'run-1', 'app')).resolves.toBeUndefined();
    writeFileSync(join(runWorkDir(stateDir, 'run-1'), 'app.apply.exit'), '0\n');
    await expect(readCompletedApply(stateDir, 'run-1', 'app')).resolves.toEqual({ outputs: {}, workDir: runWorkDir(stateDir, 'run-1') });
  });
});
