import { StackfleetError, ValidationError } from '../errors.js';
import type { Locator } from '../model.js';
import { didYouMean } from '../text/suggest.js';
import { findCycles, formatCycleProblem, groupEdgesByPair, isAcyclic } from './find-cycles.js';
import { IndexMinHeap } from './min-heap.js';
import { listAt, packLists, reverseLists, sortUniqueRange, unpackLists, type PackedLists } from './packed-lists.js';
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
  // sort() without a comparator orders strings by code unit, as compareNames does, without a call per comparison.
  const sorted = [...new Set(names)].sort();
  const indexOf = indexNames(sorted);
  const upstream = packLists(collectUpstream(sorted.length, indexOf, edges));
  const hasAfter = edges.some((edge) => edge.kind === 'after');
  return finishStackGraph(sorted, indexOf, upstream, hasAfter, () => edges, options);
}

/** Name -> index in `sorted` (index order is name order). */
export function indexNames(sorted: readonly string[]): Map<string, number> {
  const indexOf = new Map<string, number>();
  for (let index = 0; index < sorted.length; index += 1) indexOf.set(sorted[index]!, index);
  return indexOf;
}

/**
 * The graph over `sorted` names whose stack `i` waits for `upstream[i]`
 * (sorted, without repeats; see `sortUnique`). `edges` is called only when
 * someone asks for the edge objects (a cycle report, `graph`, `affected`):
 * ordering and selecting need the index lists alone, and 30,000 edge objects
 * with their key paths were 4.5 MB that every garbage collection copied.
 * Throws a ValidationError with one `E_CYCLE` problem per group of stacks that
 * depend on each other.
 */
export function finishStackGraph(
  sorted: readonly string[],
  indexOf: Map<string, number>,
  upstream: PackedLists,
  hasAfter: boolean,
  edges: () => readonly StackEdge[],
  options: CreateStackGraphOptions = {},
): StackGraph {
  // Plain index arrays, not @dagrejs/graphlib: its multigraph setEdge took
  // 1.3 s for 30,000 edges here, and its algorithms are recursive.
  const graph = new IndexedStackGraph(sorted, indexOf, upstream, hasAfter, edges);
  if (isAcyclic(graph.upstream, graph.downstream)) return graph;
  const cycles = findCycles(unpackLists(graph.upstream));
  if (cycles.length > 0) {
    const edgesByPair = groupEdgesByPair(graph.edges);
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

/** Each stack's upstream index list from edge objects; throws E_UNKNOWN_STACK at the first edge naming a stack not in `indexOf`. */
function collectUpstream(count: number, indexOf: ReadonlyMap<string, number>, edges: readonly StackEdge[], skipAfter = false): number[][] {
  const upstream = new Array<number[]>(count);
  for (let index = 0; index < count; index += 1) upstream[index] = [];
  // A stack's edges come one after another: its index is looked up once, not once per edge.
  let lastDependent: string | undefined;
  let lastIndex: number | undefined;
  for (const edge of edges) {
    if (edge.dependent !== lastDependent) {
      lastDependent = edge.dependent;
      lastIndex = indexOf.get(edge.dependent);
    }
    const dependency = indexOf.get(edge.dependency);
    if (lastIndex === undefined || dependency === undefined) {
      const missing = lastIndex === undefined ? edge.dependent : edge.dependency;
      throw new StackfleetError('E_UNKNOWN_STACK', `edge ${edge.keyPath} names unknown stack "${missing}"`);
    }
    if (skipAfter && edge.kind === 'after') continue;
    upstream[lastIndex]!.push(dependency);
  }
  for (const list of upstream) sortUnique(list);
  return upstream;
}

/**
 * Sorts a short index list in place and drops repeats (a stack may name the
 * same upstream twice, e.g. in dependsOn and in a reference).
 */
export function sortUnique(list: number[]): number[] {
  const kept = sortUniqueRange(list, 0, list.length);
  // Only a list with a repeat shrinks (setting length is a slow call before the optimizer runs).
  if (kept !== list.length) list.length = kept;
  return list;
}

class IndexedStackGraph implements StackGraph {
  /** List i: indices waiting for i, every edge kind. */
  readonly downstream: PackedLists;
  private strong: { upstream: PackedLists; downstream: PackedLists } | undefined;
  private edgeList: readonly StackEdge[] | undefined;

  constructor(
    readonly names: readonly string[],
    readonly indexOf: Map<string, number>,
    /** List i: indices i waits for, every edge kind. */
    readonly upstream: PackedLists,
    /** Whether any edge is `after`; without one the strong lists are the lists above. */
    private readonly hasAfter: boolean,
    private readonly listEdges: () => readonly StackEdge[],
  ) {
    this.downstream = reverseLists(upstream);
  }

  get edges(): readonly StackEdge[] {
    return (this.edgeList ??= this.listEdges());
  }

  /**
   * `dependsOn` and `reference` edges only (what selection follows): built on
   * first use, since ordering a run never needs them.
   */
  private strongLists(): { upstream: PackedLists; downstream: PackedLists } {
    if (this.strong !== undefined) return this.strong;
    if (!this.hasAfter) return (this.strong = { upstream: this.upstream, downstream: this.downstream });
    const upstream = packLists(collectUpstream(this.names.length, this.indexOf, this.edges, true));
    return (this.strong = { upstream, downstream: reverseLists(upstream) });
  }

  has(name: string): boolean {
    return this.indexOf.has(name);
  }

  dependenciesOf(name: string): readonly string[] {
    return listAt(this.upstream, this.require(name)).map((index) => this.names[index]!);
  }

  dependentsOf(name: string): readonly string[] {
    return listAt(this.downstream, this.require(name)).map((index) => this.names[index]!);
  }

  topologicalOrder(subset?: Iterable<string>): string[] {
    const count = this.names.length;
    const { names, upstream, downstream } = this;
    const member = new Uint8Array(count).fill(subset === undefined ? 1 : 0);
    if (subset !== undefined) for (const name of subset) member[this.require(name)] = 1;
    const waiting = new Int32Array(count);
    // Non-members are passed through as soon as they are ready, so they never
    // hold a member back longer than its member ancestors do; members then
    // come out of the heap exactly as Kahn on the subset's transitive edges.
    // Index loops and no closure: this runs once per command over every stack
    // and edge, mostly before the optimizer has seen it.
    const passThrough: number[] = [];
    const ready = new IndexMinHeap(count);
    for (let index = 0; index < count; index += 1) {
      waiting[index] = upstream.starts[index + 1]! - upstream.starts[index]!;
      if (waiting[index] !== 0) continue;
      if (member[index]) ready.push(index);
      else passThrough.push(index);
    }
    const order: string[] = [];
    for (;;) {
      let index = passThrough.pop();
      if (index === undefined) {
        if (ready.size === 0) break;
        index = ready.pop();
        order.push(names[index]!);
      }
      for (let at = downstream.starts[index]!; at < downstream.starts[index + 1]!; at += 1) {
        const target = downstream.items[at]!;
        waiting[target] = waiting[target]! - 1;
        if (waiting[target] !== 0) continue;
        if (member[target]) ready.push(target);
        else passThrough.push(target);
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
    const { starts, items } = this.upstream;
    for (const start of members) {
      const found: number[] = [];
      const stack = listAt(this.upstream, start);
      while (stack.length > 0) {
        const index = stack.pop()!;
        if (stamp[index] === start) continue;
        stamp[index] = start;
        if (member[index]) found.push(index);
        else for (let at = starts[index]!; at < starts[index + 1]!; at += 1) stack.push(items[at]!);
      }
      needs.set(this.names[start]!, found.sort((a, b) => a - b).map((index) => this.names[index]!));
    }
    return needs;
  }

  private collectReachable(names: Iterable<string>, { starts, items }: PackedLists): Map<string, string> {
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
      for (let at = starts[index]!; at < starts[index + 1]!; at += 1) {
        const next = items[at]!;
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
