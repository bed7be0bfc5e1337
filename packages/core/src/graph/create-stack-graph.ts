import { StackfleetError, ValidationError } from '../errors.js';
import type { Locator } from '../model.js';
import { didYouMean } from '../text/suggest.js';
import { findCycles, formatCycleProblem, groupEdgesByPair, isAcyclic } from './find-cycles.js';
import { MinHeap } from './min-heap.js';
import type { StackEdge, StackGraph } from './types.js';

// One report per tangled group of stacks; past this many, a count says how many more.
const MAX_CYCLES_REPORTED = 20;

export interface CreateStackGraphOptions {
  /** Turns edge key paths into file:line:col for cycle errors. */
  locate?: Locator;
}

/**
 * Builds a StackGraph from plain names and edges (no manifest needed; tests,
 * benchmarks and `buildStackGraph` use it). Throws a ValidationError with one
 * `E_CYCLE` problem per group of stacks that depend on each other (at most
 * `MAX_CYCLES_REPORTED`, then "and N more").
 */
export function createStackGraph(
  names: Iterable<string>,
  edges: readonly StackEdge[],
  options: CreateStackGraphOptions = {},
): StackGraph {
  // Plain index arrays, not @dagrejs/graphlib: its multigraph setEdge took
  // 1.3 s for 30,000 edges here, and its algorithms are recursive.
  // sort() without a comparator orders strings by code unit, as compareNames does, without a call per comparison.
  const sorted = [...new Set(names)].sort();
  const graph = new IndexedStackGraph(sorted, edges);
  if (isAcyclic(graph.upstream, graph.downstream)) return graph;
  const cycles = findCycles(graph.upstream);
  if (cycles.length > 0) {
    const edgesByPair = groupEdgesByPair(edges);
    const toNames = (indexes: readonly number[]): string[] => indexes.map((index) => graph.names[index]!);
    const problems = cycles
      .slice(0, MAX_CYCLES_REPORTED)
      .map(({ cycle, component }) => formatCycleProblem(toNames(cycle), edgesByPair, options.locate, toNames(component)));
    const omitted = cycles.length - problems.length;
    const last = problems[problems.length - 1]!;
    if (omitted > 0) last.hint = `${last.hint ?? ''}\nand ${omitted} more groups of stacks with a cycle, reported once these are fixed`;
    throw new ValidationError(problems);
  }
  return graph;
}

/**
 * Sorted, de-duplicated index lists (index order is name order): edge `i`
 * goes from `from[i]` to `to[i]`. Parallel number arrays, not a pair per
 * edge: 30,000 edges built four ways were ~120,000 short-lived arrays. The
 * edges are bucketed by target first (a counting sort), so appending each to
 * its source's list in that order leaves every list sorted without a
 * `sort` per list (each call allocated, and 10,000 of them showed).
 */
function buildAdjacency(count: number, from: readonly number[], to: readonly number[]): number[][] {
  const firstOfTarget = new Int32Array(count + 1);
  for (const target of to) firstOfTarget[target + 1] = firstOfTarget[target + 1]! + 1;
  for (let index = 0; index < count; index += 1) firstOfTarget[index + 1] = firstOfTarget[index + 1]! + firstOfTarget[index]!;
  const byTarget = new Int32Array(to.length);
  const next = firstOfTarget.slice(0, count);
  for (let edge = 0; edge < to.length; edge += 1) byTarget[next[to[edge]!]!++] = edge;
  // Each list allocated at its final size (a growing array reserves room it never uses, 10,000 times).
  const degree = new Int32Array(count);
  for (const source of from) degree[source] = degree[source]! + 1;
  const lists: number[][] = new Array<number[]>(count);
  for (let index = 0; index < count; index += 1) lists[index] = new Array<number>(degree[index]!);
  const filled = degree.fill(0);
  for (const edge of byTarget) {
    const source = from[edge]!;
    const list = lists[source]!;
    const target = to[edge]!;
    // Equal targets arrive one after another: a repeated edge is the list's last entry.
    if (filled[source] === 0 || list[filled[source]! - 1] !== target) list[filled[source]!++] = target;
  }
  // Only lists that held a repeated edge shrink (setting length is a slow call before the optimizer runs).
  for (let index = 0; index < count; index += 1) if (lists[index]!.length !== filled[index]) lists[index]!.length = filled[index]!;
  return lists;
}

class IndexedStackGraph implements StackGraph {
  readonly indexOf = new Map<string, number>();
  /** upstream[i]: indices i waits for, every edge kind. */
  readonly upstream: number[][];
  readonly downstream: number[][];
  /** Edge i: `dependents[i]` waits for `dependencies[i]`. */
  private readonly dependents: number[] = [];
  private readonly dependencies: number[] = [];
  /** Whether any edge is `after`; without one the strong lists are the lists above. */
  private readonly hasAfter: boolean = false;
  private strong: { upstream: number[][]; downstream: number[][] } | undefined;

  constructor(
    readonly names: readonly string[],
    readonly edges: readonly StackEdge[],
  ) {
    for (let index = 0; index < names.length; index += 1) this.indexOf.set(names[index]!, index);
    const { dependents, dependencies } = this;
    // A stack's edges come one after another: its index is looked up once, not once per edge.
    let lastDependent: string | undefined;
    let lastIndex: number | undefined;
    for (const edge of edges) {
      if (edge.dependent !== lastDependent) {
        lastDependent = edge.dependent;
        lastIndex = this.indexOf.get(edge.dependent);
      }
      const dependent = lastIndex;
      const dependency = this.indexOf.get(edge.dependency);
      if (dependent === undefined || dependency === undefined) {
        const missing = dependent === undefined ? edge.dependent : edge.dependency;
        throw new StackfleetError('E_UNKNOWN_STACK', `edge ${edge.keyPath} names unknown stack "${missing}"`);
      }
      dependents.push(dependent);
      dependencies.push(dependency);
      if (edge.kind === 'after') this.hasAfter = true;
    }
    this.upstream = buildAdjacency(names.length, dependents, dependencies);
    this.downstream = buildAdjacency(names.length, dependencies, dependents);
  }

  /**
   * `dependsOn` and `reference` edges only (what selection follows): built on
   * first use, since ordering a run never needs them.
   */
  private strongLists(): { upstream: number[][]; downstream: number[][] } {
    if (this.strong !== undefined) return this.strong;
    if (!this.hasAfter) return (this.strong = { upstream: this.upstream, downstream: this.downstream });
    const dependents: number[] = [];
    const dependencies: number[] = [];
    this.edges.forEach((edge, index) => {
      if (edge.kind === 'after') return;
      dependents.push(this.dependents[index]!);
      dependencies.push(this.dependencies[index]!);
    });
    const count = this.names.length;
    return (this.strong = { upstream: buildAdjacency(count, dependents, dependencies), downstream: buildAdjacency(count, dependencies, dependents) });
  }

  has(name: string): boolean {
    return this.indexOf.has(name);
  }

  dependenciesOf(name: string): readonly string[] {
    return this.upstream[this.require(name)]!.map((index) => this.names[index]!);
  }

  dependentsOf(name: string): readonly string[] {
    return this.downstream[this.require(name)]!.map((index) => this.names[index]!);
  }

  topologicalOrder(subset?: Iterable<string>): string[] {
    const count = this.names.length;
    const member = new Uint8Array(count).fill(subset === undefined ? 1 : 0);
    if (subset !== undefined) for (const name of subset) member[this.require(name)] = 1;
    const waiting = new Int32Array(count);
    for (let index = 0; index < count; index += 1) waiting[index] = this.upstream[index]!.length;
    // Non-members are passed through as soon as they are ready, so they never
    // hold a member back longer than its member ancestors do; members then
    // come out of the heap exactly as Kahn on the subset's transitive edges.
    const passThrough: number[] = [];
    const ready = new MinHeap<number>((a, b) => a - b);
    const release = (index: number): void => {
      if (member[index]) ready.push(index);
      else passThrough.push(index);
    };
    for (let index = 0; index < count; index += 1) if (waiting[index] === 0) release(index);
    const order: string[] = [];
    for (;;) {
      let index = passThrough.pop();
      if (index === undefined) {
        index = ready.pop();
        if (index === undefined) break;
        order.push(this.names[index]!);
      }
      for (const next of this.downstream[index]!) {
        waiting[next] = waiting[next]! - 1;
        if (waiting[next] === 0) release(next);
      }
    }
    return order;
  }

  collectDependents(names: Iterable<string>): Map<string, string> {
    return this.collectReachable(names, this.strongLists().downstream);
  }

  collectDependencies(names: Iterable<string>): Map<string, string> {
    return this.collectReachable(names, this.strongLists().upstream);
  }

  collectNeeds(subset: Iterable<string>): Map<string, string[]> {
    const members = [...new Set([...subset].map((name) => this.require(name)))].sort((a, b) => a - b);
    const member = new Uint8Array(this.names.length);
    for (const index of members) member[index] = 1;
    // One visit stamp per member instead of a fresh Set per member.
    const stamp = new Int32Array(this.names.length).fill(-1);
    const needs = new Map<string, string[]>();
    for (const start of members) {
      const found: number[] = [];
      const stack = [...this.upstream[start]!];
      while (stack.length > 0) {
        const index = stack.pop()!;
        if (stamp[index] === start) continue;
        stamp[index] = start;
        if (member[index]) found.push(index);
        else for (const upstream of this.upstream[index]!) stack.push(upstream);
      }
      needs.set(this.names[start]!, found.sort((a, b) => a - b).map((index) => this.names[index]!));
    }
    return needs;
  }

  private collectReachable(names: Iterable<string>, adjacency: number[][]): Map<string, string> {
    const seeds = [...new Set([...names].map((name) => this.require(name)))].sort((a, b) => a - b);
    const origin = new Int32Array(this.names.length).fill(-1);
    const queue: number[] = [];
    for (const seed of seeds) {
      origin[seed] = seed;
      queue.push(seed);
    }
    const reached = new Map<string, string>();
    for (let head = 0; head < queue.length; head += 1) {
      const index = queue[head]!;
      for (const next of adjacency[index]!) {
        if (origin[next] !== -1) continue;
        origin[next] = origin[index]!;
        queue.push(next);
        reached.set(this.names[next]!, this.names[origin[index]!]!);
      }
    }
    return reached;
  }

  private require(name: string): number {
    const index = this.indexOf.get(name);
    if (index === undefined) {
      throw new StackfleetError('E_UNKNOWN_STACK', `unknown stack "${name}"${didYouMean(name, this.names)}`, {
        hint: 'run `stackfleet list` to see every stack',
      });
    }
    return index;
  }
}
