import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { gateArgv } from './start-gate.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe.each([false, true])('gateArgv (in shell: %s)', (inShell) => {
  it('runs the program at once, with its own exit code, stdin and arguments, when there is no exit file', () => {
    dir = mkdtempSync(join(tmpdir(), 'gate-'));
    const [program, ...args] = gateArgv(['sh', '-c', 'echo "ran $# $(cat)" > marker; exit 7'], { inShell });
    const result = spawnSync(program!, args, { cwd: dir, input: 'in' });
    expect(result.status).toBe(7);
    expect(readFileSync(join(dir, 'marker'), 'utf8')).toBe('ran 0 in\n');
  });
});

describe.each([false, true])('gateArgv with STACKFLEET_EXIT_FILE (in shell: %s)', (inShell) => {
  it('records the exit status the moment the program ends, and hides the variable from it', () => {
    dir = mkdtempSync(join(tmpdir(), 'gate-'));
    const exitFile = join(dir, 'apply.exit');
    const [program, ...args] = gateArgv(['sh', '-c', 'echo "seen=${STACKFLEET_EXIT_FILE-unset} args=$# ${exit_file-}${go-}"; exit 3'], { inShell });
    const result = spawnSync(program!, args, { cwd: dir, encoding: 'utf8', env: { ...process.env, STACKFLEET_EXIT_FILE: exitFile } });
    expect(result.status).toBe(3);
    expect(result.stdout).toBe('seen=unset args=0 \n');
    expect(readFileSync(exitFile, 'utf8')).toBe('3\n');
    // Private to its owner, like everything in the state directory; the program's own umask is untouched.
    expect(statSync(exitFile).mode & 0o777).toBe(0o600);
  });

  it('passes a signal sent to the group on to the program, and never records a signalled run as completed', async () => {
    dir = mkdtempSync(join(tmpdir(), 'gate-'));
    const exitFile = join(dir, 'apply.exit');
    const { spawn } = await import('node:child_process');
    const [program, ...args] = gateArgv(['sh', '-c', "trap 'echo got-int > int; exit 42' INT; touch started; while :; do sleep 0.05; done"], { inShell });
    const child = spawn(program!, args, { cwd: dir, detached: true, env: { ...process.env, STACKFLEET_EXIT_FILE: exitFile }, stdio: 'ignore' });
    for (let i = 0; i < 100 && !existsSync(join(dir, 'started')); i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    process.kill(-child.pid!, 'SIGINT');
    const ended = await new Promise<string | null>((resolve) => child.on('exit', (_status, signal) => resolve(signal)));
    // The gate ends with the signal and records nothing; the program got it too and ran its own trap.
    expect(ended).toBe('SIGINT');
    for (let i = 0; i < 100 && !existsSync(join(dir, 'int')); i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(readFileSync(join(dir, 'int'), 'utf8')).toBe('got-int\n');
    expect(existsSync(exitFile)).toBe(false);
  });

  it('records the exit status of a command that ends with `exit`, and runs a multi-line command whole', () => {
    dir = mkdtempSync(join(tmpdir(), 'gate-'));
    const exitFile = join(dir, 'apply.exit');
    const [program, ...args] = gateArgv(['sh', '-c', 'echo one\nif true; then echo "two $1"; fi\nexit 0'], { inShell });
    const result = spawnSync(program!, args, { cwd: dir, encoding: 'utf8', env: { ...process.env, STACKFLEET_EXIT_FILE: exitFile } });
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('one\ntwo \n');
    expect(readFileSync(exitFile, 'utf8')).toBe('0\n');
  });
});
