import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { canExecute, GATE_GO, gateArgv } from './orphan-reaper.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('gateArgv', () => {
  it('runs the program only after the go line, with its own exit code', () => {
    dir = mkdtempSync(join(tmpdir(), 'gate-'));
    const [program, ...args] = gateArgv(['sh', '-c', 'echo ran > marker; exit 7']);
    const released = spawnSync(program!, args, { cwd: dir, input: GATE_GO });
    expect(released.status).toBe(7);
    expect(existsSync(join(dir, 'marker'))).toBe(true);
  });

  it('exits without running the program when its parent went away before saying go', () => {
    dir = mkdtempSync(join(tmpdir(), 'gate-'));
    const [program, ...args] = gateArgv(['sh', '-c', 'echo ran > marker']);
    const orphaned = spawnSync(program!, args, { cwd: dir, input: '' });
    expect(orphaned.status).toBe(129);
    expect(existsSync(join(dir, 'marker'))).toBe(false);
  });
});

describe('canExecute', () => {
  it('finds programs the way spawn does', () => {
    expect(canExecute('sh', process.env.PATH, process.cwd())).toBe(true);
    expect(canExecute('/bin/sh', undefined, process.cwd())).toBe(true);
    expect(canExecute('sh', undefined, process.cwd())).toBe(true); // no PATH: execvp's default
    expect(canExecute('no-such-program-xyz', process.env.PATH, process.cwd())).toBe(false);
    expect(canExecute('./missing.sh', process.env.PATH, process.cwd())).toBe(false);
  });
});
