import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir, runStackfleet, startStackfleet } from '../support/cli.js';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups) cleanup();
  cleanups = [];
});

// Every apply logs "<stack> start|end <ms> <run>" to one file shared by both processes.
const logged = (sleep: string) =>
  `echo \\"$STACKFLEET_STACK start $(date +%s%3N) $STACKFLEET_RUN_ID\\" >> ../intervals; sleep ${sleep}; echo \\"$STACKFLEET_STACK end $(date +%s%3N) $STACKFLEET_RUN_ID\\" >> ../intervals`;

function fleet(stacks: Record<string, { sleep: string; dependsOn?: string[] }>): string {
  const { dir, cleanup } = makeTempDir('stackfleet-concurrent-');
  cleanups.push(cleanup);
  const yaml = ['version: 1', 'settings: { concurrency: 4 }', 'stacks:'];
  for (const [name, stack] of Object.entries(stacks)) {
    mkdirSync(join(dir, name), { recursive: true });
    yaml.push(`  ${name}:`, '    runner: command', `    path: ${name}`, `    commands: { apply: "${logged(stack.sleep)}" }`);
    if (stack.dependsOn) yaml.push(`    dependsOn: [${stack.dependsOn.join(', ')}]`);
  }
  writeFileSync(join(dir, 'stacks.yaml'), `${yaml.join('\n')}\n`);
  return dir;
}

interface Interval {
  stack: string;
  run: string;
  start: number;
  end: number;
}

/** Pairs each stack's start and end lines per run. */
function readIntervals(dir: string): Interval[] {
  const file = join(dir, 'intervals');
  const open = new Map<string, number>();
  const intervals: Interval[] = [];
  for (const line of existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []) {
    const [stack = '', kind, at, run = ''] = line.split(' ');
    if (kind === 'start') open.set(`${stack} ${run}`, Number(at));
    else intervals.push({ stack, run, start: open.get(`${stack} ${run}`) ?? Number.NaN, end: Number(at) });
  }
  return intervals;
}

function overlapsPerStack(intervals: Interval[]): string[] {
  const overlaps: string[] = [];
  for (const a of intervals) {
    for (const b of intervals) {
      if (a === b || a.stack !== b.stack || a.run >= b.run) continue;
      if (a.start < b.end && b.start < a.end) overlaps.push(`${a.stack}: ${a.run} [${a.start},${a.end}] overlaps ${b.run} [${b.start},${b.end}]`);
    }
  }
  return overlaps;
}

const env = { STACKFLEET_LOCK_POLL_MS: '50' };

describe('two stackfleet processes on one fleet', () => {
  it('with --lock-timeout the second waits for each stack and then applies it: never the same stack at once', async () => {
    const dir = fleet({ network: { sleep: '0.4' }, dns: { sleep: '0.3' }, app: { sleep: '0.3', dependsOn: ['network'] } });
    const one = startStackfleet(['apply', '--auto-approve', '--lock-timeout', '30s'], { cwd: dir, env });
    const two = startStackfleet(['apply', '--auto-approve', '--lock-timeout', '30s'], { cwd: dir, env });
    const [first, second] = await Promise.all([one.done, two.done]);
    expect(first.code, first.stderr).toBe(0);
    expect(second.code, second.stderr).toBe(0);

    const intervals = readIntervals(dir);
    expect(intervals.map((interval) => interval.stack).sort()).toEqual(['app', 'app', 'dns', 'dns', 'network', 'network']);
    expect(intervals.every((interval) => interval.end > interval.start)).toBe(true);
    expect(overlapsPerStack(intervals)).toEqual([]);
    // ...while the two runs did overlap in time (else this would prove nothing).
    const spans = [...new Set(intervals.map((interval) => interval.run))].map((run) => {
      const own = intervals.filter((interval) => interval.run === run);
      return { start: Math.min(...own.map((interval) => interval.start)), end: Math.max(...own.map((interval) => interval.end)) };
    });
    expect(spans).toHaveLength(2);
    expect(spans[0]!.start < spans[1]!.end && spans[1]!.start < spans[0]!.end).toBe(true);
    expect(runStackfleet(['locks'], { cwd: dir }).stdout.trim()).toBe('no locks held');
  }, 60_000);

  it('without --lock-timeout the second fails at once naming the holder, while independent stacks proceed', async () => {
    const dir = fleet({ held: { sleep: '2' }, free: { sleep: '0' } });
    const holder = startStackfleet(['apply', '--auto-approve', '--stack', 'held'], { cwd: dir, env });
    const deadline = Date.now() + 15_000;
    while (!readFileSync(join(dir, 'intervals'), { flag: 'a+' }).toString().includes('held start')) {
      if (Date.now() > deadline) throw new Error(`held never started: ${holder.output().stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const holderRun = /run (\S+?)[,)]/.exec(holder.output().stdout)?.[1];
    expect(holderRun).toBeDefined();

    const second = runStackfleet(['apply', '--auto-approve', '--json'], { cwd: dir, env });
    expect(second.code).toBe(1);
    const events = second.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; stack?: string; status?: string; reason?: string });
    const finished = Object.fromEntries(events.filter((event) => event.type === 'stack.finished').map((event) => [event.stack as string, event] as const));
    expect(finished.free?.status).toBe('succeeded');
    expect(finished.held?.status).toBe('failed');
    expect(finished.held?.reason).toContain(`locked by ${hostname()} pid ${holder.child.pid} (run ${holderRun})`);

    const first = await holder.done;
    expect(first.code, first.stderr).toBe(0);
    // The holder's apply of `held` ran alone: the failed second process never started it.
    expect(readIntervals(dir).filter((interval) => interval.stack === 'held').map((interval) => interval.run)).toEqual([holderRun]);
    expect(runStackfleet(['locks'], { cwd: dir }).stdout.trim()).toBe('no locks held');
  }, 60_000);
});
