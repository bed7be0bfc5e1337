import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hasProgramStarted } from './program-started.js';
import { GATE_GO, gateArgv } from './start-gate.js';

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

describe('hasProgramStarted', () => {
  it('is false while the gate waits, true once the program runs (exec, or a recording gate\'s child)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'gate-'));
    for (const [recording, inShell] of [[false, false], [true, false], [true, true]] as const) {
      const [program, ...args] = gateArgv(['sh', '-c', 'touch started; sleep 5'], { inShell });
      const env = recording ? { ...process.env, STACKFLEET_EXIT_FILE: join(dir, 'exit') } : process.env;
      const child = spawn(program!, args, { cwd: dir, detached: true, env, stdio: ['pipe', 'ignore', 'ignore'] });
      // Until the fork has exec'd the gate shell, /proc shows node, which is no gate.
      for (let i = 0; i < 250 && !readCmdline(child.pid!).includes('stackfleet-gate'); i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(hasProgramStarted(child.pid!)).toBe(false);
      child.stdin.end(GATE_GO);
      for (let i = 0; i < 100 && !existsSync(join(dir, 'started')); i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(hasProgramStarted(child.pid!)).toBe(true);
      process.kill(-child.pid!, 'SIGKILL');
      await new Promise((resolve) => child.on('exit', resolve));
      rmSync(join(dir, 'started'), { force: true });
    }
  });
});
