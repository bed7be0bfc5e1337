import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StackfleetError } from '../errors.js';
import { createScheduler } from './create-scheduler.js';
import { simulateSchedule, simulateScheduleIntervals } from './simulate-schedule.js';
import type { SchedulerOptions } from './types.js';

function schedulerFor(needs: Record<string, string[]>, options: Partial<SchedulerOptions> & { labelMap?: Record<string, string[]> } = {}) {
  return createScheduler({
    stacks: Object.keys(needs),
    needs: (name) => needs[name] ?? [],
    labels: (name) => options.labelMap?.[name] ?? [],
    concurrency: options.concurrency ?? 4,
    limits: options.limits ?? {},
    weights: options.weights,
  });
}

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof StackfleetError) return `${error.code}: ${error.message}`;
    throw error;
  }
  return 'no error';
}

describe('createScheduler', () => {
  const diamond = { network: [], db: ['network'], dns: ['network'], app: ['db', 'dns'], smoke: ['app'], docs: [] };

  it('starts a stack as soon as its own needs are done', () => {
    const scheduler = schedulerFor(diamond);
    expect(scheduler.next()).toEqual(['network', 'docs']);
    expect(scheduler.next()).toEqual([]);
    scheduler.complete('network');
    expect(scheduler.next()).toEqual(['db', 'dns']);
    scheduler.complete('db');
    expect(scheduler.next()).toEqual([]);
    scheduler.complete('dns');
    expect(scheduler.next()).toEqual(['app']);
    expect(scheduler.running()).toEqual(['app', 'docs']);
    expect(scheduler.stateOf('smoke')).toBe('pending');
    scheduler.complete('app');
    scheduler.complete('docs');
    expect(scheduler.next()).toEqual(['smoke']);
    expect(scheduler.isFinished()).toBe(false);
    scheduler.complete('smoke');
    expect(scheduler.isFinished()).toBe(true);
  });

  it('runs the longest remaining chain first, then by name', () => {
    const scheduler = schedulerFor(
      { a: [], b: [], c: [], long1: [], long2: ['long1'], long3: ['long2'] },
      { concurrency: 1 },
    );
    expect(scheduler.remainingChainOf('long1')).toBe(3);
    const order: string[] = [];
    while (!scheduler.isFinished()) {
      const [stack] = scheduler.next();
      order.push(stack!);
      scheduler.complete(stack!);
    }
    expect(order).toEqual(['long1', 'long2', 'a', 'b', 'c', 'long3']);
  });

  it('uses weights as expected durations', () => {
    const scheduler = schedulerFor({ quick: [], slow: [] }, { concurrency: 1, weights: { slow: 30 } });
    expect(scheduler.next()).toEqual(['slow']);
  });

  it('honours label caps without letting a capped stack block others', () => {
    const scheduler = schedulerFor(
      { p1: [], p2: [], p3: [], z: [] },
      { concurrency: 3, limits: { prod: 1 }, labelMap: { p1: ['prod'], p2: ['prod'], p3: ['prod'] }, weights: { p1: 5, p2: 5, p3: 5 } },
    );
    expect(scheduler.next()).toEqual(['p1', 'z']);
    scheduler.complete('z');
    expect(scheduler.next()).toEqual([]);
    scheduler.complete('p1');
    expect(scheduler.next()).toEqual(['p2']);
  });

  it('skips only the descendants of a failed stack', () => {
    const scheduler = schedulerFor(diamond);
    scheduler.next();
    scheduler.complete('network');
    scheduler.next();
    expect(scheduler.fail('db', 'exit code 1')).toEqual([
      { stack: 'app', reason: 'dependency db failed' },
      { stack: 'smoke', reason: 'dependency db failed' },
    ]);
    expect(scheduler.stateOf('db')).toBe('failed');
    expect(scheduler.reasonOf('db')).toBe('exit code 1');
    expect(scheduler.running()).toEqual(['dns', 'docs']);
    scheduler.complete('dns');
    expect(scheduler.next()).toEqual([]);
    scheduler.complete('docs');
    expect(scheduler.isFinished()).toBe(true);
  });

  it('skip() on a denied stack skips its dependents too', () => {
    const scheduler = schedulerFor({ a: [], b: ['a'] });
    scheduler.next();
    expect(scheduler.skip('a', 'denied by policy')).toEqual([{ stack: 'b', reason: 'dependency a skipped' }]);
    expect(scheduler.isFinished()).toBe(true);
  });

  it('stops starting on fail-fast and reports what never started', () => {
    const scheduler = schedulerFor(diamond);
    scheduler.next();
    expect(scheduler.stopStarting('interrupted')).toEqual(
      ['db', 'dns', 'app', 'smoke'].map((stack) => ({ stack, reason: 'interrupted' })),
    );
    scheduler.complete('network');
    expect(scheduler.next()).toEqual([]);
    expect(scheduler.isFinished()).toBe(false);
    scheduler.complete('docs');
    expect(scheduler.isFinished()).toBe(true);
  });

  it('resumes with stacks done in an earlier run', () => {
    const scheduler = schedulerFor(diamond);
    scheduler.markDone(['network', 'db', 'docs']);
    expect(scheduler.next()).toEqual(['dns']);
    expect(scheduler.stateOf('db')).toBe('succeeded');
  });

  it('refuses misuse with a clear message', () => {
    expect(errorOf(() => schedulerFor(diamond, { concurrency: 0 }))).toBe(
      'E_INVALID_OPTION: Expected `concurrency` to be a number from 1 and up, got `0`',
    );
    expect(errorOf(() => schedulerFor(diamond, { limits: { prod: 0.5 } }))).toBe(
      'E_INVALID_OPTION: Expected `limits.prod` to be a number from 1 and up, got `0.5`',
    );
    expect(errorOf(() => schedulerFor(diamond, { weights: { db: -1 } }))).toBe(
      'E_INVALID_OPTION: Expected `weights.db` to be a finite number from 0 and up, got `-1`',
    );
    expect(errorOf(() => schedulerFor({ a: ['b'], b: ['a'], c: [] }))).toBe(
      'E_CYCLE: Expected `needs` without cycles, but these stacks wait on each other: a, b',
    );
    const scheduler = schedulerFor(diamond);
    expect(errorOf(() => scheduler.complete('db'))).toBe(
      'E_SCHEDULER_STATE: Expected `db` to be running to complete it, but it is `pending`',
    );
    expect(errorOf(() => scheduler.stateOf('apps'))).toBe(
      'E_UNKNOWN_STACK: Expected a stack of this run, got `apps` (did you mean "app"?)',
    );
  });

  it('ignores needs outside the run', () => {
    expect(schedulerFor({ app: ['network'] }).next()).toEqual(['app']);
  });

  it('runs a 10,000-deep chain', () => {
    const names = Array.from({ length: 10_000 }, (_, index) => `s${index}`);
    const scheduler = createScheduler({
      stacks: names,
      needs: (name) => (name === 's0' ? [] : [`s${Number(name.slice(1)) - 1}`]),
      labels: () => [],
      concurrency: 4,
      limits: {},
    });
    expect(scheduler.remainingChainOf('s0')).toBe(10_000);
    let count = 0;
    while (!scheduler.isFinished()) {
      for (const stack of scheduler.next()) {
        expect(stack).toBe(`s${count++}`);
        scheduler.complete(stack);
      }
    }
    expect(count).toBe(10_000);
    const skipping = createScheduler({
      stacks: names,
      needs: (name) => (name === 's0' ? [] : [`s${Number(name.slice(1)) - 1}`]),
      labels: () => [],
      concurrency: 4,
      limits: {},
    });
    skipping.next();
    expect(skipping.fail('s0', 'boom')).toHaveLength(9_999);
  });
});

/** Random DAGs over s0..sN: needs only point to lower indices; random labels and durations. */
const randomRun = fc
  .integer({ min: 1, max: 30 })
  .chain((size) =>
    fc.record({
      needs: fc.array(fc.uniqueArray(fc.nat(size - 1), { maxLength: 4 }), { minLength: size, maxLength: size }),
      labels: fc.array(fc.subarray(['prod', 'db', 'free']), { minLength: size, maxLength: size }),
      durations: fc.array(fc.integer({ min: 1, max: 20 }), { minLength: size, maxLength: size }),
      concurrency: fc.integer({ min: 1, max: 6 }),
      prodLimit: fc.integer({ min: 1, max: 3 }),
    }),
  )
  .map(({ needs, labels, durations, concurrency, prodLimit }) => {
    const names = needs.map((_, index) => `s${index}`);
    return {
      stacks: names,
      needsMap: Object.fromEntries(names.map((name, index) => [name, needs[index]!.filter((n) => n < index).map((n) => `s${n}`)])),
      labelMap: Object.fromEntries(names.map((name, index) => [name, labels[index]!])),
      durations: Object.fromEntries(names.map((name, index) => [name, durations[index]!])),
      concurrency,
      limits: { prod: prodLimit, db: 1 },
    };
  });

describe('scheduler properties', () => {
  it('never exceeds concurrency or label caps, and starts a stack only after its needs', () => {
    fc.assert(
      fc.property(randomRun, fc.constantFrom('critical-path' as const, 'levels' as const), (run, strategy) => {
        const { result, intervals } = simulateScheduleIntervals({
          stacks: run.stacks,
          needs: (name) => run.needsMap[name]!,
          labels: (name) => run.labelMap[name]!,
          durations: run.durations,
          concurrency: run.concurrency,
          limits: run.limits,
          strategy,
        });
        expect(intervals).toHaveLength(run.stacks.length);
        const byStack = new Map(intervals.map((interval) => [interval.stack, interval]));
        for (const interval of intervals) {
          for (const need of run.needsMap[interval.stack]!) expect(byStack.get(need)!.end).toBeLessThanOrEqual(interval.start);
          const overlapping = intervals.filter((other) => other.start <= interval.start && interval.start < other.end);
          expect(overlapping.length).toBeLessThanOrEqual(run.concurrency);
          for (const [label, limit] of Object.entries(run.limits)) {
            expect(overlapping.filter((other) => run.labelMap[other.stack]!.includes(label)).length).toBeLessThanOrEqual(limit);
          }
        }
        expect(result.makespan).toBeGreaterThanOrEqual(result.lowerBound);
      }),
    );
  });

  it('critical-path is never worse than levels by much, and beats it on average', () => {
    let criticalTotal = 0;
    let levelsTotal = 0;
    fc.assert(
      fc.property(randomRun, (run) => {
        const base = {
          stacks: run.stacks,
          needs: (name: string) => run.needsMap[name]!,
          labels: () => [],
          durations: run.durations,
          concurrency: run.concurrency,
          limits: {},
        };
        const critical = simulateSchedule({ ...base, strategy: 'critical-path' });
        const levels = simulateSchedule({ ...base, strategy: 'levels' });
        expect(critical.makespan).toBeGreaterThanOrEqual(critical.lowerBound);
        // Graham's bound for any greedy list schedule: at most (2 - 1/m) x optimal.
        expect(critical.makespan).toBeLessThanOrEqual(critical.lowerBound * (2 - 1 / run.concurrency) + 1e-9);
        expect(critical.makespan).toBeLessThanOrEqual(levels.makespan * 1.5);
        criticalTotal += critical.makespan;
        levelsTotal += levels.makespan;
      }),
      { numRuns: 200 },
    );
    expect(criticalTotal).toBeLessThan(levelsTotal);
  });

  it('a long chain starts before short independent stacks with concurrency 1', () => {
    const result = simulateScheduleIntervals({
      stacks: ['a', 'b', 'c', 'chain1', 'chain2'],
      needs: (name) => (name === 'chain2' ? ['chain1'] : []),
      labels: () => [],
      durations: {},
      concurrency: 1,
      limits: {},
      strategy: 'critical-path',
    });
    expect(result.intervals[0]!.stack).toBe('chain1');
    expect(result.result).toEqual({ makespan: 5, lowerBound: 5, criticalPath: 2, totalWork: 5 });
  });
});
