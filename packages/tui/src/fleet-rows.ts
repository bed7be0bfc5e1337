/**
 * Pure building of the fleet list: filtering (as you type), grouping by repo or
 * the dependency tree, and the visible window of a virtualised list.
 */
import type { FleetStackInfo } from './types.js';

export type FleetGrouping = 'repo' | 'tree';

/** A row of the fleet list: a repo header or a stack (with its tree depth). */
export type FleetRow =
  | { kind: 'group'; label: string; count: number }
  | { kind: 'stack'; stack: FleetStackInfo; depth: number; /** Dependencies not shown as the tree parent. */ otherParents: number };

export interface FleetFilter {
  /**
   * Whitespace-separated terms, all must match: `label:X` (exact label), `repo:X`
   * (exact repo), anything else is a case-insensitive substring of the name, path or a label.
   */
  query: string;
  /** Show only stacks with `affected: true`. */
  affectedOnly: boolean;
}

/** The stacks that pass the filter, in input order. */
export function filterFleet(fleet: readonly FleetStackInfo[], filter: FleetFilter): FleetStackInfo[] {
  const terms = filter.query.toLowerCase().split(/\s+/).filter(Boolean);
  return fleet.filter((stack) => {
    if (filter.affectedOnly && stack.affected !== true) return false;
    return terms.every((term) => matchesTerm(stack, term));
  });
}

function matchesTerm(stack: FleetStackInfo, term: string): boolean {
  if (term.startsWith('label:')) {
    const label = term.slice('label:'.length);
    return stack.labels.some((candidate) => candidate.toLowerCase() === label);
  }
  if (term.startsWith('repo:')) return (stack.repo ?? '').toLowerCase() === term.slice('repo:'.length);
  return (
    stack.name.toLowerCase().includes(term) ||
    stack.path.toLowerCase().includes(term) ||
    stack.labels.some((label) => label.toLowerCase().includes(term))
  );
}

/** Rows for the given (already filtered) stacks. Deterministic: sorted by name. */
export function buildFleetRows(stacks: readonly FleetStackInfo[], grouping: FleetGrouping): FleetRow[] {
  return grouping === 'repo' ? buildRepoRows(stacks) : buildTreeRows(stacks);
}

function buildRepoRows(stacks: readonly FleetStackInfo[]): FleetRow[] {
  const byRepo = new Map<string, FleetStackInfo[]>();
  for (const stack of stacks) {
    const repo = stack.repo ?? '';
    const list = byRepo.get(repo) ?? [];
    list.push(stack);
    byRepo.set(repo, list);
  }
  const rows: FleetRow[] = [];
  for (const repo of [...byRepo.keys()].sort(compareNames)) {
    const list = (byRepo.get(repo) ?? []).sort((left, right) => compareNames(left.name, right.name));
    rows.push({ kind: 'group', label: repo === '' ? '(this repository)' : repo, count: list.length });
    for (const stack of list) rows.push({ kind: 'stack', stack, depth: 0, otherParents: 0 });
  }
  return rows;
}

/**
 * Each stack appears once, under its deepest dependency (so the indentation is its
 * layer in the DAG); a DAG with shared dependencies would otherwise repeat subtrees
 * exponentially. Dependencies outside `stacks` (filtered out) are ignored.
 */
function buildTreeRows(stacks: readonly FleetStackInfo[]): FleetRow[] {
  const byName = new Map(stacks.map((stack) => [stack.name, stack]));
  const depths = new Map<string, number>();
  const computeDepth = (name: string, visiting: Set<string>): number => {
    const known = depths.get(name);
    if (known !== undefined) return known;
    if (visiting.has(name)) return 0; // a cycle is the manifest's error to report; do not loop
    visiting.add(name);
    let depth = 0;
    for (const dependency of byName.get(name)?.dependsOn ?? []) {
      if (byName.has(dependency)) depth = Math.max(depth, computeDepth(dependency, visiting) + 1);
    }
    visiting.delete(name);
    depths.set(name, depth);
    return depth;
  };
  const children = new Map<string, FleetStackInfo[]>();
  const roots: FleetStackInfo[] = [];
  for (const stack of stacks) {
    const depth = computeDepth(stack.name, new Set());
    const parent = stack.dependsOn
      .filter((dependency) => byName.has(dependency) && depths.get(dependency) === depth - 1)
      .sort(compareNames)[0];
    if (depth === 0 || parent === undefined) {
      roots.push(stack);
      continue;
    }
    const siblings = children.get(parent);
    if (siblings) siblings.push(stack);
    else children.set(parent, [stack]);
  }
  const rows: FleetRow[] = [];
  const visit = (stack: FleetStackInfo, depth: number): void => {
    const shown = stack.dependsOn.filter((dependency) => byName.has(dependency)).length;
    rows.push({ kind: 'stack', stack, depth, otherParents: Math.max(0, shown - 1) });
    const kids = (children.get(stack.name) ?? []).sort((left, right) => compareNames(left.name, right.name));
    for (const child of kids) visit(child, depth + 1);
  };
  for (const root of roots.sort((left, right) => compareNames(left.name, right.name))) visit(root, 0);
  return rows;
}

/**
 * The first visible row of a window of `height` rows so that `cursor` stays
 * visible, moving the window as little as possible.
 */
export function scrollWindow(cursor: number, offset: number, height: number, total: number): number {
  const size = Math.max(1, height);
  let next = offset;
  if (cursor < next) next = cursor;
  if (cursor >= next + size) next = cursor - size + 1;
  return Math.max(0, Math.min(next, Math.max(0, total - size)));
}

/** The nearest stack row to `index`, searching in `direction` first, then the other way. */
export function findStackRow(rows: readonly FleetRow[], index: number, direction: 1 | -1): number {
  const clamped = Math.max(0, Math.min(index, rows.length - 1));
  for (let candidate = clamped; candidate >= 0 && candidate < rows.length; candidate += direction) {
    if (rows[candidate]?.kind === 'stack') return candidate;
  }
  for (let candidate = clamped; candidate >= 0 && candidate < rows.length; candidate -= direction) {
    if (rows[candidate]?.kind === 'stack') return candidate;
  }
  return -1;
}

function compareNames(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}
