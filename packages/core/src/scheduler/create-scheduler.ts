import { StackfleetError } from '../errors.js';
import { MinHeap, compareNames } from '../graph/min-heap.js';
import { assertCapacity, assertWeight, indexRun, measureChains, requireIndex } from './index-run.js';
import type { ScheduledState, Scheduler, SchedulerOptions, SkippedStack } from './types.js';

/** Ready stacks that carry the same set of capped labels share one heap. */
interface ReadyGroup {
  cappedLabels: number[];
  heap: MinHeap<number>;
}

/**
 * Creates the pure scheduler state machine (see `Scheduler`). Ready stacks
 * are grouped by the capped labels they carry, so picking the next stack
 * costs O(groups) and a stack waiting for a label slot never blocks a stack
 * without that label.
 */
export function createScheduler(options: SchedulerOptions): Scheduler {
  assertCapacity('concurrency', options.concurrency);
  for (const [label, limit] of Object.entries(options.limits)) assertCapacity(`limits.${label}`, limit);
  const run = indexRun(options.stacks, options.needs);
  const { names, successors } = run;
  const weightOf = (name: string): number => {
    const weight = options.weights?.[name] ?? 1;
    assertWeight(name, weight);
    return weight;
  };
  const chain = measureChains(run, weightOf);
  const rank = new Int32Array(names.length);
  [...names.keys()].sort((a, b) => compareNames(names[a]!, names[b]!)).forEach((index, position) => {
    rank[index] = position;
  });
  const byPriority = (a: number, b: number): number => chain[b]! - chain[a]! || rank[a]! - rank[b]!;

  const cappedLabels = Object.keys(options.limits).sort(compareNames);
  const capOf = cappedLabels.map((label) => options.limits[label]!);
  const runningPerLabel = new Int32Array(cappedLabels.length);
  const groups = new Map<string, ReadyGroup>();
  const groupOf = names.map((name) => {
    const carried = new Set(options.labels(name));
    const labelIndices = cappedLabels.flatMap((label, index) => (carried.has(label) ? [index] : []));
    const key = labelIndices.join(',');
    let group = groups.get(key);
    if (!group) {
      group = { cappedLabels: labelIndices, heap: new MinHeap(byPriority) };
      groups.set(key, group);
    }
    return group;
  });
  const groupList = [...groups.values()];

  const state: ScheduledState[] = names.map(() => 'pending');
  const reasons = new Map<number, string>();
  const waiting = run.inDegree.slice();
  const runningSet = new Set<number>();
  let unfinished = names.length;
  let stopped = false;

  const makeReady = (index: number): void => {
    state[index] = 'ready';
    groupOf[index]!.heap.push(index);
  };
  const finish = (index: number, final: ScheduledState, reason?: string): void => {
    state[index] = final;
    unfinished -= 1;
    if (reason !== undefined) reasons.set(index, reason);
  };
  const release = (index: number): void => {
    for (const next of successors[index]!) {
      waiting[next] = waiting[next]! - 1;
      if (waiting[next] === 0 && state[next] === 'pending' && !stopped) makeReady(next);
    }
  };
  const endRunning = (name: string, verb: string): number => {
    const index = requireIndex(run, name);
    if (state[index] !== 'running') {
      throw new StackfleetError('E_SCHEDULER_STATE', `Expected \`${name}\` to be running to ${verb} it, but it is \`${state[index]!}\``);
    }
    runningSet.delete(index);
    for (const label of groupOf[index]!.cappedLabels) runningPerLabel[label] = runningPerLabel[label]! - 1;
    return index;
  };
  /** Skips every not-yet-started stack downstream of `index`; each stack is visited at most once per run. */
  const skipDescendants = (index: number, reason: string): SkippedStack[] => {
    const skipped: number[] = [];
    const stack = [index];
    while (stack.length > 0) {
      for (const next of successors[stack.pop()!]!) {
        if (state[next] !== 'pending' && state[next] !== 'ready') continue;
        finish(next, 'skipped', reason);
        skipped.push(next);
        stack.push(next);
      }
    }
    return toSkipped(skipped);
  };
  const toSkipped = (indices: number[]): SkippedStack[] =>
    indices.sort((a, b) => a - b).map((index) => ({ stack: names[index]!, reason: reasons.get(index)! }));
  const hasRoom = (group: ReadyGroup): boolean =>
    group.cappedLabels.every((label) => runningPerLabel[label]! < capOf[label]!);

  for (let index = 0; index < names.length; index += 1) if (waiting[index] === 0) makeReady(index);

  return {
    next() {
      const started: string[] = [];
      while (!stopped && runningSet.size < options.concurrency) {
        let best: ReadyGroup | undefined;
        for (const group of groupList) {
          // Entries go stale when markDone finishes a ready stack; drop them lazily.
          while (group.heap.size > 0 && state[group.heap.peek()!] !== 'ready') group.heap.pop();
          const head = group.heap.peek();
          if (head === undefined || !hasRoom(group)) continue;
          if (!best || byPriority(head, best.heap.peek()!) < 0) best = group;
        }
        if (!best) break;
        const index = best.heap.pop()!;
        state[index] = 'running';
        runningSet.add(index);
        for (const label of best.cappedLabels) runningPerLabel[label] = runningPerLabel[label]! + 1;
        started.push(names[index]!);
      }
      return started;
    },
    complete(name) {
      const index = endRunning(name, 'complete');
      finish(index, 'succeeded');
      release(index);
    },
    fail(name, reason) {
      const index = endRunning(name, 'fail');
      finish(index, 'failed', reason);
      return skipDescendants(index, `dependency ${name} failed`);
    },
    skip(name, reason, dependentsReason) {
      const index = endRunning(name, 'skip');
      finish(index, 'skipped', reason);
      return skipDescendants(index, dependentsReason ?? `dependency ${name} skipped`);
    },
    stopStarting(reason) {
      stopped = true;
      const skipped: number[] = [];
      state.forEach((current, index) => {
        if (current !== 'pending' && current !== 'ready') return;
        finish(index, 'skipped', reason);
        skipped.push(index);
      });
      for (const group of groupList) group.heap.clear();
      return toSkipped(skipped);
    },
    markDone(doneNames) {
      for (const name of doneNames) {
        const index = requireIndex(run, name);
        if (state[index] !== 'pending' && state[index] !== 'ready') {
          throw new StackfleetError('E_SCHEDULER_STATE', `Expected \`${name}\` not to have started to mark it done, but it is \`${state[index]!}\``);
        }
        finish(index, 'succeeded');
        release(index);
      }
    },
    isFinished: () => unfinished === 0,
    running: () => [...runningSet].sort((a, b) => rank[a]! - rank[b]!).map((index) => names[index]!),
    stateOf: (name) => state[requireIndex(run, name)]!,
    reasonOf: (name) => reasons.get(requireIndex(run, name)),
    remainingChainOf: (name) => chain[requireIndex(run, name)]!,
  };
}
