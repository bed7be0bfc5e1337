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

  /** True once `pid` has ended (gone, or a zombie waiting for whoever inherited it). */
  function hasEnded(pid: number): boolean {
    try {
      return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z') ?? true;
    } catch {
      return true;
    }
  }

  it('decides on the exit of sh: a background child still holding stderr is killed, not waited for (issue #13)', async () => {
    // It waited for the pipes to close, so the sleep held it until the timeout: "timed out" instead of `{}`.
    const result = await runPolicyCommand({
      command: 'sleep 30 >/dev/null & echo $! > bg.pid; echo "{}"',
      cwd: dir,
      env,
      stdin: '',
      timeoutMs: 2_000,
    });
    expect(result).toMatchObject({ exitCode: 0, stdout: '{}\n', timedOut: false });
    const pid = Number(readFileSync(join(dir, 'bg.pid'), 'utf8'));
    await expect.poll(() => hasEnded(pid), { timeout: 5_000 }).toBe(true);
  });

  /**
   * A process that leaves the group (setsid) and holds stdout and stderr while the `hold` file
   * exists; the command goes on once it has left (before, the group's kill would still reach it).
   */
  const HOLDER = "setsid sh -c 'touch detached; while [ -e hold ]; do sleep 0.05; done' & until [ -e detached ]; do sleep 0.01; done;";

  it('takes the output of a command that exited while a process outside its group holds its pipes (issue #13)', async () => {
    writeFileSync(join(dir, 'hold'), '');
    const result = await runPolicyCommand({ command: `${HOLDER} echo '{"warn": ["w"]}'`, cwd: dir, env, stdin: '', timeoutMs: 30_000 });
    expect(result).toMatchObject({ exitCode: 0, stdout: '{"warn": ["w"]}\n', timedOut: false });
  });

  it('settles at the timeout even while a process outside the group holds the pipes (issue #13)', async () => {
    writeFileSync(join(dir, 'hold'), '');
    const result = await runPolicyCommand({ command: `${HOLDER} sleep 30`, cwd: dir, env, stdin: '', timeoutMs: 300 });
    expect(result).toMatchObject({ exitCode: null, timedOut: true });
  });

  it('still reads all the output of a command that prints much and exits at once', async () => {
    writeFileSync(join(dir, 'hold'), '');
    // 1 MiB: far more than a pipe holds, so most of it is read while the command runs, the rest after its exit.
    const result = await runPolicyCommand({
      command: `${HOLDER} head -c 1048576 /dev/zero | tr '\\0' x`,
      cwd: dir,
      env,
      stdin: '',
      timeoutMs: 30_000,
    });
    expect(result).toMatchObject({ exitCode: 0, timedOut: false });
    expect(result.stdout).toBe('x'.repeat(1_048_576));
  });

  it('lets a command run under a timeout past setTimeout limit (600h; it was killed at once, issue #13)', async () => {
    const result = await runPolicyCommand({ command: "sleep 0.05; echo '{}'", cwd: dir, env, stdin: '', timeoutMs: 600 * 3_600_000 });
    expect(result).toMatchObject({ exitCode: 0, stdout: '{}\n', timedOut: false });
  });

  /** Aborts `controller` once the command has written `started` (its traps are set by then). */
  async function abortOnceStarted(controller: AbortController): Promise<void> {
    while (!existsSync(join(dir, 'started'))) await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort(new Error('interrupted'));
  }

  it("sends SIGINT to the group on the run's interrupt (the first Ctrl-C), so the command can end on its own", async () => {
    const interrupt = new AbortController();
    const running = runPolicyCommand({
      command: "trap 'echo stopping >&2; exit 130' INT; touch started; while :; do sleep 0.1; done",
      cwd: dir,
      env,
      stdin: '',
      timeoutMs: 30_000,
      signal: interrupt.signal,
    });
    await abortOnceStarted(interrupt);
    expect(await running).toMatchObject({ exitCode: 130, stderr: 'stopping\n', timedOut: false });
  });

  it('kills the group on the second Ctrl-C (forceSignal), also a command that goes on after SIGINT', async () => {
    const interrupt = new AbortController();
    const force = new AbortController();
    const running = runPolicyCommand({
      command: "trap 'touch got-int' INT; touch started; while :; do sleep 0.1; done",
      cwd: dir,
      env,
      stdin: '',
      timeoutMs: 30_000,
      signal: interrupt.signal,
      forceSignal: force.signal,
    });
    await abortOnceStarted(interrupt);
    while (!existsSync(join(dir, 'got-int'))) await new Promise((resolve) => setTimeout(resolve, 20));
    force.abort(new Error('killed'));
    expect(await running).toMatchObject({ exitCode: null, timedOut: false });
  });

  it('resolves (not rejects) when the command cannot start', async () => {
    const result = await runPolicyCommand({ command: 'true', cwd: join(dir, 'missing'), env, stdin: '', timeoutMs: 1_000 });
    expect(result.exitCode).not.toBe(0);
  });
});
