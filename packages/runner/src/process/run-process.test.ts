import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// Test-only helpers: the runner never depends on test-utils at runtime.
import { isProcessRunning } from '@stackfleet/test-utils';
import { runProcess, type OutputStream } from './run-process.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sf-process-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };

function sh(script: string, extra: Partial<Parameters<typeof runProcess>[0]> = {}) {
  const lines: [OutputStream, string][] = [];
  const result = runProcess({
    argv: ['sh', '-c', script],
    cwd: dir,
    env,
    onLine: (stream, line) => lines.push([stream, line]),
    ...extra,
  });
  return { lines, result };
}

async function readPid(file: string): Promise<number> {
  return Number((await readFile(join(dir, file), 'utf8')).trim());
}

function waitForLine(lines: [OutputStream, string][], text: string): Promise<void> {
  return new Promise((resolve) => {
    const poll = setInterval(() => {
      if (lines.some(([, line]) => line === text)) {
        clearInterval(poll);
        resolve();
      }
    }, 10);
  });
}

describe('runProcess', () => {
  it('streams stdout and stderr as lines, in the given cwd and env only', async () => {
    const { lines, result } = sh('printf "one\\r\\ntwo\\n"; echo "err $FOO" >&2; pwd; printf "$HOME|last"', {
      env: { ...env, FOO: 'bar' },
    });
    expect(await result).toEqual({ exitCode: 0, signal: null, timedOut: false, interrupted: false });
    expect(lines.filter(([s]) => s === 'stdout').map(([, l]) => l)).toEqual(['one', 'two', dir, '|last']);
    expect(lines.filter(([s]) => s === 'stderr')).toEqual([['stderr', 'err bar']]);
  });

  it('joins lines split across writes (also inside \\r\\n and a UTF-8 character) and passes the unterminated tail', async () => {
    // Separate writes with pauses arrive as separate chunks.
    const writes = ['al', 'pha\\r', '\\nbe', 'ta\\n\\nh\\303', '\\251llo\\nprogress 50%%\\rprogress 100%%\\ngam', 'ma'];
    const { lines, result } = sh(writes.map((chunk) => `printf '${chunk}'`).join('; sleep 0.05; '));
    expect(await result).toMatchObject({ exitCode: 0 });
    expect(lines.map(([, line]) => line)).toEqual(['alpha', 'beta', '', 'héllo', 'progress 50%', 'progress 100%', 'gamma']);
  });

  it('passes a line of several megabytes whole', async () => {
    const { lines, result } = sh("head -c 5000000 /dev/zero | tr '\\0' x; echo; echo after");
    expect(await result).toMatchObject({ exitCode: 0 });
    expect(lines.map(([, line]) => line.length)).toEqual([5_000_000, 5]);
  });

  it('reports the exit code and can capture stdout instead of streaming it', async () => {
    const { lines, result } = sh('echo \'{"a":1}\'; echo note >&2; exit 3', { captureStdout: true });
    expect(await result).toMatchObject({ exitCode: 3, stdout: '{"a":1}\n' });
    expect(lines).toEqual([['stderr', 'note']]);
  });

  it('rejects with E_SPAWN_FAILED when the program does not exist', async () => {
    await expect(runProcess({ argv: ['stackfleet-no-such-program'], cwd: dir, env })).rejects.toMatchObject({
      code: 'E_SPAWN_FAILED',
    });
  });

  it('on timeout kills the whole process group, children included', async () => {
    // Generous: the script must have started its child before the timeout, even on a loaded machine.
    // Without the timeout the test would run into vitest's own (sleep 30 > 10 s).
    const { result } = sh('sleep 30 & echo $! > child.pid; sleep 30', { timeoutMs: 1000 });
    expect(await result).toMatchObject({ exitCode: null, signal: 'SIGTERM', timedOut: true });
    const child = await readPid('child.pid');
    await new Promise((r) => setTimeout(r, 100));
    expect(isProcessRunning(child)).toBe(false);
  });

  it('treats an abort with a TimeoutError reason as a timeout and SIGKILLs after the grace', async () => {
    const controller = new AbortController();
    const { lines, result } = sh("trap '' TERM; echo ready; sleep 30", { killGraceMs: 200, signal: controller.signal });
    await waitForLine(lines, 'ready');
    controller.abort(new DOMException('stack timeout', 'TimeoutError'));
    // SIGKILL: the script ignores the SIGTERM, so only the kill after the grace ends it.
    expect(await result).toMatchObject({ signal: 'SIGKILL', timedOut: true, interrupted: false });
    expect(lines).toEqual([['stdout', 'ready']]);
  });

  it('forwards SIGINT on a user abort and waits for the process to finish its cleanup', async () => {
    const controller = new AbortController();
    const { lines, result } = sh(
      "trap 'sleep 0.3; echo cleaned > int.log; exit 130' INT; echo ready; while :; do sleep 0.05; done",
      { signal: controller.signal },
    );
    await waitForLine(lines, 'ready');
    controller.abort();
    expect(await result).toMatchObject({ exitCode: 130, timedOut: false, interrupted: true });
    expect(await readFile(join(dir, 'int.log'), 'utf8')).toBe('cleaned\n');
  });

  it('also waits for that cleanup when the gate records the exit status (a command apply), and records nothing', async () => {
    const controller = new AbortController();
    const exitFile = join(dir, 'apply.exit');
    const { lines, result } = sh("trap 'sleep 0.3; echo cleaned > int.log; exit 130' INT; echo ready; while :; do sleep 0.05; done", {
      signal: controller.signal,
      env: { ...env, STACKFLEET_EXIT_FILE: exitFile },
    });
    await waitForLine(lines, 'ready');
    controller.abort();
    expect(await result).toMatchObject({ timedOut: false, interrupted: true });
    expect(await readFile(join(dir, 'int.log'), 'utf8')).toBe('cleaned\n');
    expect(existsSync(exitFile)).toBe(false);
  });

  it('SIGKILLs the group when forceSignal aborts after an ignored interrupt', async () => {
    const controller = new AbortController();
    const force = new AbortController();
    const { lines, result } = sh("trap 'echo got-int' INT; echo ready; while :; do sleep 0.05; done", {
      signal: controller.signal,
      forceSignal: force.signal,
    });
    await waitForLine(lines, 'ready');
    controller.abort();
    await waitForLine(lines, 'got-int');
    force.abort();
    expect(await result).toMatchObject({ exitCode: null, signal: 'SIGKILL', interrupted: true });
  });

  it('does not leave backgrounded children behind after a normal exit', async () => {
    // Were the child left running, it would hold the pipes open and the result would never come (vitest's timeout).
    const { result } = sh('sleep 30 & echo $! > child.pid; echo done');
    expect(await result).toMatchObject({ exitCode: 0 });
    await new Promise((r) => setTimeout(r, 100));
    expect(isProcessRunning(await readPid('child.pid'))).toBe(false);
  });

  it('does not start when the signal is already aborted', async () => {
    await writeFile(join(dir, 'marker'), '');
    const result = await runProcess({
      argv: ['rm', join(dir, 'marker')],
      cwd: dir,
      env,
      signal: AbortSignal.abort(),
    });
    expect(result).toMatchObject({ exitCode: null, interrupted: true });
    await expect(readFile(join(dir, 'marker'), 'utf8')).resolves.toBe('');
  });

  it('interrupts the program when the signal aborts while the spawner is still starting it', async () => {
    const controller = new AbortController();
    const result = runProcess({ argv: ['sh', '-c', 'trap "exit 42" INT; while :; do sleep 0.05; done'], cwd: dir, env, signal: controller.signal });
    // Synchronously after the call: the fork happens in the spawner, so there is no pid yet. The
    // program starts at once (the spawner watches it from its fork on), so it is stopped when the
    // pid arrives: SIGINT once it runs (its trap), SIGKILL if it has not started yet.
    controller.abort();
    const ended = await result;
    expect(ended.interrupted).toBe(true);
    expect([42, null]).toContain(ended.exitCode);
    if (ended.exitCode === null) expect(['SIGINT', 'SIGKILL']).toContain(ended.signal);
  });
  it('says what to do when the environment is too large to start a process (E2BIG)', async () => {
    const { result } = sh('true', { env: { ...env, HUGE: 'x'.repeat(200_000) } });
    await expect(result).rejects.toMatchObject({
      code: 'E_SPAWN_FAILED',
      message: `could not start "sh": E2BIG: the stack's environment is too large for the operating system (one variable over 128 KiB, or all of them over ~2 MB)`,
      hint: expect.stringContaining('through a file'),
    });
  });
});
