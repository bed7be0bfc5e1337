import { MinHeap, compareNames } from '../graph/min-heap.js';
import { createScheduler } from './create-scheduler.js';
import { indexRun, measureChains } from './index-run.js';

export interface SimulationOptions {
  stacks: readonly string[];
  needs: (name: string) => readonly string[];
  labels: (name: string) => readonly string[];
  /** Known duration per stack (any unit). @default 1 for a stack not listed */
  durations: Readonly<Record<string, number>>;
  concurrency: number;
  limits: Readonly<Record<string, number>>;
  /**
   * `critical-path`: what stackfleet does (start a stack as soon as its own
   * needs are done, longest remaining chain first). `levels`: the classic
   * baseline, where a level starts only when the previous one has finished.
   */
  strategy: 'critical-path' | 'levels';
}

export interface SimulationResult {
  /** When the last stack finishes. */
  makespan: number;
  /** No schedule can beat max(criticalPath, totalWork / concurrency). */
  lowerBound: number;
  criticalPath: number;
  totalWork: number;
}

/** One stack as the simulation saw it run; tests check caps and order on these. */
export interface SimulatedInterval {
  stack: string;
  start: number;
  end: number;
}

/**
 * A pure discrete-event simulation of a run with known durations, for the
 * benchmark and for property tests of the scheduler.
 */
export function simulateSchedule(options: SimulationOptions): SimulationResult {
  return simulateScheduleIntervals(options).result;
}

/** `simulateSchedule`, also returning every stack's simulated interval. */
export function simulateScheduleIntervals(options: SimulationOptions): {
  result: SimulationResult;
  intervals: SimulatedInterval[];
} {
  const durationOf = (name: string): number => options.durations[name] ?? 1;
  const run = indexRun(options.stacks, options.needs);
  const chains = measureChains(run, durationOf);
  const criticalPath = chains.reduce((longest, chain) => Math.max(longest, chain), 0);
  const totalWork = options.stacks.reduce((sum, name) => sum + durationOf(name), 0);
  const lowerBound = Math.max(criticalPath, totalWork / options.concurrency);
  const intervals: SimulatedInterval[] = [];
  let makespan = 0;
  if (options.strategy === 'critical-path') {
    makespan = simulateGreedy(options, options.stacks, options.needs, 0, intervals);
  } else {
    for (const level of groupByLevel(run.names, run.order, run.successors)) {
      // Within a level nothing depends on anything; the order is by name, like a plain worker pool.
      makespan = simulateGreedy(options, level, () => [], makespan, intervals, () => 1);
    }
  }
  return { result: { makespan, lowerBound, criticalPath, totalWork }, intervals };
}

function simulateGreedy(
  options: SimulationOptions,
  stacks: readonly string[],
  needs: (name: string) => readonly string[],
  startTime: number,
  intervals: SimulatedInterval[],
  weight: (name: string) => number = (name) => options.durations[name] ?? 1,
): number {
  const scheduler = createScheduler({
    stacks,
    needs,
    labels: options.labels,
    concurrency: options.concurrency,
    limits: options.limits,
    weights: Object.fromEntries(stacks.map((name) => [name, weight(name)])),
  });
  const finishing = new MinHeap<SimulatedInterval>((a, b) => a.end - b.end || compareNames(a.stack, b.stack));
  let now = startTime;
  for (;;) {
    for (const stack of scheduler.next()) {
      const interval = { stack, start: now, end: now + (options.durations[stack] ?? 1) };
      intervals.push(interval);
      finishing.push(interval);
    }
    const first = finishing.pop();
    if (!first) break;
    now = first.end;
    scheduler.complete(first.stack);
    while (finishing.peek()?.end === now) scheduler.complete(finishing.pop()!.stack);
  }
  return now;
}

/** Stacks by depth (longest path from a source), each level sorted by name. */
function groupByLevel(
  names: readonly string[],
  order: Int32Array,
  successors: readonly (readonly number[])[],
): string[][] {
  const depth = new Int32Array(names.length);
  const levels: string[][] = [];
  for (const index of order) {
    (levels[depth[index]!] ??= []).push(names[index]!);
    for (const next of successors[index]!) depth[next] = Math.max(depth[next]!, depth[index]! + 1);
  }
  return levels.map((level) => level.sort(compareNames));
}
