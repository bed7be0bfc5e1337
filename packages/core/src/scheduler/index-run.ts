import { StackfleetError } from '../errors.js';
import { didYouMean } from '../text/suggest.js';

/** A run's stacks as integer indices: successors, in-degrees, one topological order. */
export interface RunIndex {
  names: readonly string[];
  indexOf: ReadonlyMap<string, number>;
  successors: readonly (readonly number[])[];
  inDegree: Int32Array;
  /** Any topological order (predecessors first); used to compute chains. */
  order: Int32Array;
}

export function indexRun(stacks: readonly string[], needs: (name: string) => readonly string[]): RunIndex {
  const indexOf = new Map<string, number>();
  stacks.forEach((name, index) => {
    if (indexOf.has(name)) {
      throw new StackfleetError('E_SCHEDULER_INPUT', `Expected each stack once in \`stacks\`, got \`${name}\` twice`);
    }
    indexOf.set(name, index);
  });
  const successors: number[][] = stacks.map(() => []);
  const inDegree = new Int32Array(stacks.length);
  // One stamp per stack de-duplicates repeated needs without a Set per stack.
  const stamp = new Int32Array(stacks.length).fill(-1);
  stacks.forEach((name, index) => {
    for (const upstream of needs(name)) {
      const from = indexOf.get(upstream);
      if (from === undefined || stamp[from] === index) continue;
      stamp[from] = index;
      successors[from]!.push(index);
      inDegree[index] = inDegree[index]! + 1;
    }
  });
  const order = new Int32Array(stacks.length);
  const waiting = inDegree.slice();
  let size = 0;
  for (let index = 0; index < stacks.length; index += 1) if (waiting[index] === 0) order[size++] = index;
  for (let head = 0; head < size; head += 1) {
    for (const next of successors[order[head]!]!) {
      waiting[next] = waiting[next]! - 1;
      if (waiting[next] === 0) order[size++] = next;
    }
  }
  if (size < stacks.length) {
    const stuck = stacks.filter((_, index) => waiting[index]! > 0).sort();
    throw new StackfleetError('E_CYCLE', `Expected \`needs\` without cycles, but these stacks wait on each other: ${stuck.join(', ')}`);
  }
  return { names: stacks, indexOf, successors, inDegree, order };
}

/** Longest remaining chain per stack: its weight plus the heaviest path after it. */
export function measureChains(run: RunIndex, weightOf: (name: string) => number): Float64Array {
  const chain = new Float64Array(run.names.length);
  for (let position = run.order.length - 1; position >= 0; position -= 1) {
    const index = run.order[position]!;
    let longest = 0;
    for (const next of run.successors[index]!) longest = Math.max(longest, chain[next]!);
    chain[index] = weightOf(run.names[index]!) + longest;
  }
  return chain;
}

export function requireIndex(run: RunIndex, name: string): number {
  const index = run.indexOf.get(name);
  if (index === undefined) {
    throw new StackfleetError('E_UNKNOWN_STACK', `Expected a stack of this run, got \`${name}\`${didYouMean(name, run.names)}`);
  }
  return index;
}

/** p-queue's wording: "Expected `concurrency` to be a number from 1 and up, got `0`". */
export function assertCapacity(what: string, value: number): void {
  if ((Number.isInteger(value) && value >= 1) || value === Number.POSITIVE_INFINITY) return;
  throw new StackfleetError('E_INVALID_OPTION', `Expected \`${what}\` to be a number from 1 and up, got \`${String(value)}\``);
}

export function assertWeight(name: string, value: number): void {
  if (Number.isFinite(value) && value >= 0) return;
  throw new StackfleetError(
    'E_INVALID_OPTION',
    `Expected \`weights.${name}\` to be a finite number from 0 and up, got \`${String(value)}\``,
  );
}
