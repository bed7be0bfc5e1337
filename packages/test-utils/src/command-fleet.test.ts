import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { maxConcurrency, readIntervals, writeCommandFleet, type StackInterval } from './command-fleet.js';
import { createTempDir, type TempDir } from './temp-dir.js';

const run = promisify(execFile);
let temp: TempDir;
beforeEach(async () => {
  temp = await createTempDir('sf-fleet-');
});
afterEach(async () => {
  await temp.cleanup();
});

function runStack(dir: string, name: string, phase: string, outputs = '/dev/null') {
  return run('./stack.sh', [], {
    cwd: join(dir, 'stacks', name),
    env: { PATH: process.env.PATH, STACKFLEET_PHASE: phase, STACKFLEET_OUTPUTS: outputs },
  }).then(
    () => 0,
    (error: { code: number }) => error.code,
  );
}

describe('writeCommandFleet', () => {
  it('writes a manifest and scripts that log intervals, exit codes and outputs', async () => {
    const fleet = await writeCommandFleet(temp.path, {
      manifest: { settings: { concurrency: 2 } },
      stacks: {
        network: { durationMs: 150, outputs: { vpc_id: "vpc-'1'" } },
        app: { dependsOn: [{ stack: 'network', outputs: { vpc_id: 'VPC_ID' } }], plan: false, exitCodes: { apply: 3 }, labels: ['prod'] },
      },
    });
    const manifest = JSON.parse((await readFile(fleet.manifestFile, 'utf8')).replace(/^#.*\n/, '')) as Record<string, unknown>;
    expect(manifest).toMatchObject({
      version: 1,
      settings: { concurrency: 2 },
      stacks: {
        network: { path: 'stacks/network', runner: 'command', commands: { plan: './stack.sh', apply: './stack.sh' } },
        app: { labels: ['prod'], commands: { apply: './stack.sh', destroy: './stack.sh' } },
      },
    });
    expect(manifest).not.toHaveProperty('stacks.app.commands.plan');

    const outputsFile = join(temp.path, 'out.json');
    const codes = await Promise.all([
      runStack(temp.path, 'network', 'plan'),
      runStack(temp.path, 'network', 'apply', outputsFile),
      runStack(temp.path, 'app', 'apply'),
    ]);
    expect(codes).toEqual([2, 0, 3]);
    expect(JSON.parse(await readFile(outputsFile, 'utf8'))).toEqual({ vpc_id: "vpc-'1'" });

    const intervals = await readIntervals(fleet.logFile);
    expect(intervals.map((i) => `${i.stack} ${i.phase}`).sort()).toEqual(['app apply', 'network apply', 'network plan']);
    expect(intervals.every((interval) => interval.end !== undefined && interval.end >= interval.start)).toBe(true);
    // durationMs is a sleep in the script (asserting on elapsed time would be a wall-clock test).
    expect(await readFile(join(temp.path, 'stacks', 'network', 'stack.sh'), 'utf8')).toContain('\nsleep 0.150\n');
  });
});

describe('maxConcurrency', () => {
  const at = (start: number, end?: number): StackInterval => ({ stack: 's', phase: 'apply', start, end, interrupted: false });
  it('counts overlapping intervals; touching ones do not overlap', () => {
    expect(maxConcurrency([at(0, 10), at(10, 20), at(20, 30)])).toBe(1);
    expect(maxConcurrency([at(0, 10), at(5, 20), at(6, 7), at(15)])).toBe(3);
    expect(maxConcurrency([])).toBe(0);
  });
});
