import type { Problem } from '../errors.js';
import type { Locator } from '../model.js';
import type { StackEdge } from './types.js';

/**
 * Distinct dependency cycles, as index lists in "depends on" direction, each
 * starting at its smallest index and repeating it at the end
 * (`[app, db, network, app]`). Every edge that lies on some cycle appears in
 * at least one reported cycle (the shortest one through it), so fixing every
 * reported cycle is always possible from the message alone. Iterative Tarjan;
 * deterministic.
 */
export function findCycles(adjacency: readonly (readonly number[])[]): number[][] {
  const cycles = new Map<string, number[]>();
  for (const component of findStronglyConnected(adjacency)) {
    const inComponent = new Set(component);
    const covered = new Set<string>();
    for (const from of component) {
      for (const to of adjacency[from]!) {
        if (!inComponent.has(to) || covered.has(`${from},${to}`)) continue;
        const cycle = [from, ...findShortestPath(adjacency, inComponent, to, from)];
        for (let index = 0; index + 1 < cycle.length; index += 1) covered.add(`${cycle[index]},${cycle[index + 1]}`);
        const rotated = rotateToSmallest(cycle);
        cycles.set(rotated.join(','), rotated);
      }
    }
  }
  return [...cycles.values()].sort(compareIndexLists);
}

/** `cycle: app -> db -> network -> app`, located at its first edge, every edge listed in the hint. */
export function formatCycleProblem(
  cycle: readonly string[],
  edgesByPair: ReadonlyMap<string, readonly StackEdge[]>,
  locate?: Locator,
): Problem {
  const lines: string[] = [];
  let first: StackEdge | undefined;
  for (let index = 0; index + 1 < cycle.length; index += 1) {
    for (const edge of edgesByPair.get(pairKey(cycle[index]!, cycle[index + 1]!)) ?? []) {
      first ??= edge;
      const location = locate?.(edge.keyPath);
      const where = location ? `${location.file}:${location.line}:${location.column} ` : '';
      lines.push(`    ${edge.dependent} -> ${edge.dependency} (${where}${edge.keyPath}${edge.kind === 'after' ? ', ordering only' : ''})`);
    }
  }
  return {
    code: 'E_CYCLE',
    message: `cycle: ${cycle.join(' -> ')}`,
    hint: `break the cycle by removing one of these edges:\n${lines.join('\n')}`,
    keyPath: first?.keyPath,
    location: first ? locate?.(first.keyPath) : undefined,
  };
}

/** Edges grouped by `dependent -> dependency`, for `formatCycleProblem`. */
export function groupEdgesByPair(edges: readonly StackEdge[]): Map<string, StackEdge[]> {
  const groups = new Map<string, StackEdge[]>();
  for (const edge of edges) {
    const key = pairKey(edge.dependent, edge.dependency);
    const group = groups.get(key);
    if (group) group.push(edge);
    else groups.set(key, [edge]);
  }
  return groups;
}

function pairKey(dependent: string, dependency: string): string {
  return `${dependent}\u0000${dependency}`;
}

/** Components with a cycle (more than one node, or a self-loop), each sorted. */
function findStronglyConnected(adjacency: readonly (readonly number[])[]): number[][] {
  const count = adjacency.length;
  const order = new Int32Array(count).fill(-1);
  const low = new Int32Array(count);
  const onStack = new Uint8Array(count);
  const stack: number[] = [];
  const components: number[][] = [];
  let counter = 0;
  const callNodes: number[] = [];
  const callEdges: number[] = [];
  const visit = (node: number): void => {
    order[node] = low[node] = counter++;
    stack.push(node);
    onStack[node] = 1;
    callNodes.push(node);
    callEdges.push(0);
  };
  for (let root = 0; root < count; root += 1) {
    if (order[root] !== -1) continue;
    visit(root);
    while (callNodes.length > 0) {
      const top = callNodes.length - 1;
      const node = callNodes[top]!;
      const next = adjacency[node]![callEdges[top]!];
      if (next !== undefined) {
        callEdges[top] = callEdges[top]! + 1;
        if (order[next] === -1) visit(next);
        else if (onStack[next]) low[node] = Math.min(low[node]!, order[next]!);
        continue;
      }
      callNodes.pop();
      callEdges.pop();
      const parent = callNodes[callNodes.length - 1];
      if (parent !== undefined) low[parent] = Math.min(low[parent]!, low[node]!);
      if (low[node] !== order[node]) continue;
      const component: number[] = [];
      let member: number;
      do {
        member = stack.pop()!;
        onStack[member] = 0;
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || adjacency[node]!.includes(node)) components.push(component.sort((a, b) => a - b));
    }
  }
  return components.sort(compareIndexLists);
}

/** BFS from `start` to `goal` inside `allowed`; returns the path including both ends. */
function findShortestPath(
  adjacency: readonly (readonly number[])[],
  allowed: ReadonlySet<number>,
  start: number,
  goal: number,
): number[] {
  const previous = new Map<number, number>([[start, -1]]);
  const queue = [start];
  for (let head = 0; head < queue.length && !previous.has(goal); head += 1) {
    const node = queue[head]!;
    for (const next of adjacency[node]!) {
      if (!allowed.has(next) || previous.has(next)) continue;
      previous.set(next, node);
      queue.push(next);
    }
  }
  const path: number[] = [];
  for (let node = goal; node !== -1; node = previous.get(node)!) path.push(node);
  return path.reverse();
}

function rotateToSmallest(cycle: readonly number[]): number[] {
  const ring = cycle.slice(0, -1);
  const start = ring.indexOf(ring.reduce((a, b) => Math.min(a, b)));
  const rotated = [...ring.slice(start), ...ring.slice(0, start)];
  return [...rotated, rotated[0]!];
}

function compareIndexLists(a: readonly number[], b: readonly number[]): number {
  for (let index = 0; index < Math.min(a.length, b.length); index += 1) {
    if (a[index] !== b[index]) return a[index]! - b[index]!;
  }
  return a.length - b.length;
}
