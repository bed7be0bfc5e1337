import { existsSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTempDir } from '@stackfleet/test-utils';
import { runPolicyCommand } from './run-policy-command.js';

describe('runPolicyCommand', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ path: dir, cleanup } = await createTempDir('policy-exec-'));
  });
  afterEach(() => cleanup());

  const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: '/nowhere', STACKFLEET_X: '1' };

  it('runs sh -c in cwd with exactly the given env, the input on stdin, and collects stdout', async () => {
    const script = join(dir, 'check.sh');
    writeFileSync(script, '#!/bin/sh\ncat > seen.json\nenv | sort > env.txt\nprintf \'{"warn": ["%s"]}\' "$(pwd)"\n');
    chmodSync(script, 0o755);
    const result = await runPolicyCommand({ command: './check.sh', cwd: dir, env, stdin: '{"run":{}}', timeoutMs: 10_000 });
    expect(result).toMatchObject({ exitCode: 0, timedOut: false });
    expect(JSON.parse(result.stdout)).toEqual({ warn: [dir] });
    expect(readFileSync(join(dir, 'seen.json'), 'utf8')).toBe('{"run":{}}');
    const names = readFileSync(join(dir, 'env.txt'), 'utf8').split('\n').filter(Boolean).map((line) => line.split('=')[0]);
    // sh itself adds PWD (and may add SHLVL, _); nothing of ours leaks in.
    expect(names.filter((name) => !['PWD', 'SHLVL', '_', 'OLDPWD'].includes(name))).toEqual(['HOME', 'PATH', 'STACKFLEET_X']);
  });

  it('reports a non-zero exit with stderr', async () => {
    const result = await runPolicyCommand({ command: 'echo nope >&2; exit 3', cwd: dir, env, stdin: '', timeoutMs: 10_000 });
    expect(result).toMatchObject({ exitCode: 3, stderr: 'nope\n', timedOut: false });
  });

  it('kills the whole process group on the timeout', async () => {
    const result = await runPolicyCommand({
      command: '(sleep 2; touch late-child) & sleep 30',
      cwd: dir,
      env,
      stdin: '',
      timeoutMs: 300,
    });
    expect(result).toMatchObject({ exitCode: null, timedOut: true });
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(existsSync(join(dir, 'late-child'))).toBe(false);
  });

  it('lets a command run under a timeout past setTimeout limit (600h; it was killed at once, issue #13)', async () => {
    const result = await runPolicyCommand({ command: "sleep 0.05; echo '{}'", cwd: dir, env, stdin: '', timeoutMs: 600 * 3_600_000 });
    expect(result).toMatchObject({ exitCode: 0, stdout: '{}\n', timedOut: false });
  });

  it('resolves (not rejects) when the command cannot start', async () => {
    const result = await runPolicyCommand({ command: 'true', cwd: join(dir, 'missing'), env, stdin: '', timeoutMs: 1_000 });
    expect(result.exitCode).not.toBe(0);
  });
});
