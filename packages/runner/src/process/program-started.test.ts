import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hasProgramStarted } from './program-started.js';
import { GATE_NAME, gateArgv } from './start-gate.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function readCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 250 && !condition(); i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('hasProgramStarted', () => {
  it('is false for a gate that has not forked its program yet', async () => {
    // A shell named like the gate, held before it starts anything (the real gate starts its program at once).
    const child = spawn('/bin/sh', ['-c', 'IFS= read -r line; sleep 5; exit 0', GATE_NAME], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    await waitFor(() => readCmdline(child.pid!).includes(GATE_NAME));
    expect(hasProgramStarted(child.pid!)).toBe(false);
    child.stdin.end('\n');
    // Its child counts once it is the program (exec'd), not while it is still a copy of the gate shell.
    const sleeping = (): boolean =>
      readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/).some((pid) => pid !== '' && readCmdline(Number(pid)).startsWith('sleep'));
    await waitFor(sleeping);
    expect(hasProgramStarted(child.pid!)).toBe(true);
    process.kill(-child.pid!, 'SIGKILL');
    await new Promise((resolve) => child.on('exit', resolve));
  });

  it('is true once a recording gate runs the program (its child), and for a program started without a gate', async () => {
    dir = mkdtempSync(join(tmpdir(), 'gate-'));
    for (const [recording, inShell] of [[false, false], [true, false], [true, true]] as const) {
      const [program, ...args] = recording ? gateArgv(['sh', '-c', 'touch started; sleep 5'], { inShell }) : ['sh', '-c', 'touch started; sleep 5'];
      const env = recording ? { ...process.env, STACKFLEET_EXIT_FILE: join(dir, 'exit') } : process.env;
      const child = spawn(program!, args, { cwd: dir, detached: true, env, stdio: 'ignore' });
      await waitFor(() => existsSync(join(dir!, 'started')));
      expect(hasProgramStarted(child.pid!)).toBe(true);
      process.kill(-child.pid!, 'SIGKILL');
      await new Promise((resolve) => child.on('exit', resolve));
      rmSync(join(dir, 'started'), { force: true });
    }
  });
});
