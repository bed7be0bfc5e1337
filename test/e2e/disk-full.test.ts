/**
 * A full disk during a run (issue #16 item 10), for real: the state dir
 * lives on a 2 MiB tmpfs mounted for the test (needs root; skipped
 * otherwise), and a stack fills it with `dd`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir, runStackfleet } from '../support/cli.js';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.reverse()) cleanup();
  cleanups = [];
});

function mountTinyDisk(dir: string): boolean {
  mkdirSync(dir);
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m,mode=0700', 'tmpfs', dir], { encoding: 'utf8' });
  if (mounted.status !== 0) return false;
  cleanups.push(() => spawnSync('umount', [dir]));
  return true;
}

const canMount = (() => {
  const { dir, cleanup } = makeTempDir('stackfleet-mount-probe-');
  const ok = mountTinyDisk(join(dir, 'disk'));
  for (const undo of cleanups.splice(0)) undo();
  cleanup();
  return ok;
})();

function fleetOnTinyDisk(stacks: string): string {
  const { dir, cleanup } = makeTempDir('stackfleet-disk-full-');
  cleanups.push(cleanup);
  if (!mountTinyDisk(join(dir, 'disk'))) throw new Error('mount failed');
  writeFileSync(join(dir, 'stacks.yaml'), `version: 1\nsettings: { stateDir: disk/state }\nstacks:\n${stacks}`);
  for (const name of ['first', 'big', 'after', 'chatty']) mkdirSync(join(dir, name));
  return dir;
}

const count = (dir: string, name: string): number =>
  existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8').split('\n').filter(Boolean).length : 0;

describe.skipIf(!canMount)('a full disk during a run', () => {
  it('stops with a clear error, records the run interrupted, and resume finishes it without applying anything twice', () => {
    const dir = fleetOnTinyDisk(`  first: { runner: command, path: first, commands: { apply: 'echo x >> ../first-applied' } }
  big:
    runner: command
    path: big
    dependsOn: [first]
    commands:
      apply: |
        printf '{"blob": "%s"}' "$(head -c 300000 /dev/zero | tr '\\0' x)" > "$STACKFLEET_OUTPUTS"
        echo x >> ../big-applied
        # fill the disk, leaving 12 KiB: room for the exit status, none for 300 kB of outputs in the store
        dd if=/dev/zero of=../disk/fill bs=4k 2>/dev/null; truncate -s -12K ../disk/fill
  after: { runner: command, path: after, dependsOn: [big], commands: { apply: 'echo x >> ../after-applied' } }
`);
    const full = runStackfleet(['apply', '--auto-approve'], { cwd: dir });
    expect(full.code).toBe(1);
    expect(full.stderr).toContain('error: cannot write the state database');
    expect(full.stderr).toContain('no space left on the disk (SQLITE_FULL)');
    expect(full.stderr).toContain('free space on that disk, then run `stackfleet resume`');
    expect(full.stderr).not.toMatch(/internal error|SqliteError|\n\s+at /);
    expect(runStackfleet(['history'], { cwd: dir }).stdout).toMatch(/apply\s+interrupted/);
    expect(count(dir, 'after-applied')).toBe(0);

    rmSync(join(dir, 'disk/fill'));
    const resumed = runStackfleet(['resume'], { cwd: dir });
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect([count(dir, 'first-applied'), count(dir, 'big-applied'), count(dir, 'after-applied')]).toEqual([1, 1, 1]);
    // Outputs that resume recovers from the file are stored sealed (the run's secrets are not known yet): shown as ***.
    expect(JSON.parse(runStackfleet(['outputs', 'big', '--json'], { cwd: dir }).stdout)).toMatchObject({ blob: '***' });
  }, 120_000);

  it('shows a run whose interruption could not be recorded as crashed, and resume finishes it without applying anything twice', () => {
    // No disk reserve (as when the disk was already full when the run began) and 4 KiB left:
    // room for the exit status the gate writes, none for the run's last word.
    const dir = fleetOnTinyDisk(`  first: { runner: command, path: first, commands: { apply: 'echo x >> ../first-applied' } }
  big:
    runner: command
    path: big
    dependsOn: [first]
    commands:
      apply: |
        printf '{"blob": "%s"}' "$(head -c 300000 /dev/zero | tr '\\0' x)" > "$STACKFLEET_OUTPUTS"
        echo x >> ../big-applied
        rm -f ../disk/state/disk-reserve
        dd if=/dev/zero of=../disk/fill bs=4k 2>/dev/null; truncate -s -4K ../disk/fill
  after: { runner: command, path: after, dependsOn: [big], commands: { apply: 'echo x >> ../after-applied' } }
`);
    const full = runStackfleet(['apply', '--auto-approve'], { cwd: dir });
    expect(full.code).toBe(1);
    expect(full.stderr).toContain('no space left on the disk (SQLITE_FULL)');
    expect(full.stderr).not.toMatch(/internal error|SqliteError|\n\s+at /);
    // Recorded `running` by a process that is gone: read as crashed, and resumable.
    const history = runStackfleet(['history'], { cwd: dir });
    expect(history.stdout).toMatch(/apply\s+crashed/);
    expect(count(dir, 'after-applied')).toBe(0);

    rmSync(join(dir, 'disk/fill'));
    const resumed = runStackfleet(['resume'], { cwd: dir });
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/2 stacks already done before the resume: first, big/);
    expect([count(dir, 'first-applied'), count(dir, 'big-applied'), count(dir, 'after-applied')]).toEqual([1, 1, 1]);
    expect(runStackfleet(['history'], { cwd: dir }).stdout).toMatch(/apply\s+succeeded/);
  }, 120_000);

  it('loses a log that cannot be written, with a warning, and the run goes on', () => {
    const dir = fleetOnTinyDisk(`  chatty:
    runner: command
    path: chatty
    commands:
      apply: |
        dd if=/dev/zero of=../disk/fill bs=4k 2>/dev/null
        for i in $(seq 1 3000); do echo "line $i of what the stack says"; done
        sleep 1
        rm ../disk/fill
  after: { runner: command, path: after, dependsOn: [chatty], commands: { apply: 'echo x >> ../after-applied' } }
`);
    const result = runStackfleet(['apply', '--auto-approve'], { cwd: dir });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stderr).toContain('warning: the log file of chatty cannot be written (ENOSPC); the rest of its log is lost, the run goes on');
    expect(result.stdout).toContain('line 3000 of what the stack says');
    expect(count(dir, 'after-applied')).toBe(1);
  }, 120_000);
});
