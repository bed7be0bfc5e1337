import { StackfleetError, ValidationError, type Problem } from '../errors.js';
import { collectStackReferences, isEmptyContainer, TEMPLATED_KEYS } from '../interpolation/collect-references.js';
import { listStacks } from '../manifest/rules/rule-context.js';
import { formatKeyPath } from '../manifest/key-path.js';
import type { LoadedManifest, Locator, Manifest, StackSpec } from '../model.js';
import { didYouMean } from '../text/suggest.js';
import { createStackGraph, finishStackGraph, indexNames } from './create-stack-graph.js';
import { closeUpLists, sortUniqueRange } from './packed-lists.js';
import type { StackEdge, StackGraph } from './types.js';
import { quoteText } from '../text/quote-text.js';

/**
 * The stack DAG of a loaded manifest: `dependsOn`, `after` and
 * `${{ stacks.X.outputs.K }}` references become edges that remember their key
 * path, so errors can point at `stacks.yaml:20:11`. Throws a ValidationError
 * listing every unknown stack and every cycle.
 */
export function buildStackGraph(loaded: LoadedManifest): StackGraph {
  const { manifest, locate } = loaded;
  try {
    return indexManifestGraph(manifest, locate) ?? createStackGraph(Object.keys(manifest.stacks), collectStackEdges(manifest), { locate });
  } catch (error) {
    // The loader reports these too; the graph never trusts its input blindly.
    // Looked for only when the graph met one (a set of every name otherwise).
    if (!(error instanceof StackfleetError) || error instanceof ValidationError || error.code !== 'E_UNKNOWN_STACK') throw error;
    const edges = collectStackEdges(manifest);
    const problems = findUnknownStacks(loaded, edges, Object.keys(manifest.stacks));
    throw problems.length > 0 ? new ValidationError(problems) : error;
  }
}

/**
 * The graph straight from the stacks' `dependsOn`, `after` and references,
 * without an edge object per edge (those are built if asked for), or
 * undefined when an edge names an unknown stack: `createStackGraph` on the
 * edge objects then says which.
 */
function indexManifestGraph(manifest: Manifest, locate: Locator): StackGraph | undefined {
  const stacks = listStacks(manifest);
  const count = stacks.length;
  const sorted: string[] = new Array<string>(count);
  for (let index = 0; index < count; index += 1) sorted[index] = stacks[index]!.name;
  // sort() without a comparator orders strings by code unit, as compareNames does, without a call per comparison.
  sorted.sort();
  const indexOf = indexNames(sorted);
  // Two passes (index loops: for...of allocates per step before the optimizer
  // runs): each list's size, then the lists, written straight into one array.
  const positionOf = new Int32Array(count);
  const starts = new Int32Array(count + 1);
  let references: Map<number, readonly { stack: string }[]> | undefined;
  for (let at = 0; at < count; at += 1) {
    const stack = stacks[at]!;
    const index = indexOf.get(stack.name)!;
    positionOf[at] = index;
    let size = stack.dependsOn.length + stack.after.length;
    if (hasTemplatedValues(stack)) {
      const found = collectStackReferences(stack);
      (references ??= new Map()).set(at, found);
      size += found.length;
    }
    starts[index + 1] = size;
  }
  for (let index = 0; index < count; index += 1) starts[index + 1] = starts[index + 1]! + starts[index]!;
  const items = new Int32Array(starts[count]!);
  const lengths = new Int32Array(count);
  let hasAfter = false;
  let repeats = false;
  for (let at = 0; at < count; at += 1) {
    const { dependsOn, after } = stacks[at]!;
    const index = positionOf[at]!;
    let write = starts[index]!;
    for (let entry = 0; entry < dependsOn.length; entry += 1) {
      const dependency = indexOf.get(dependsOn[entry]!.stack);
      if (dependency === undefined) return undefined;
      items[write++] = dependency;
    }
    for (let entry = 0; entry < after.length; entry += 1) {
      const dependency = indexOf.get(after[entry]!);
      if (dependency === undefined) return undefined;
      items[write++] = dependency;
      hasAfter = true;
    }
    const found = references?.get(at) ?? NO_REFERENCES;
    for (let entry = 0; entry < found.length; entry += 1) {
      const dependency = indexOf.get(found[entry]!.stack);
      if (dependency === undefined) return undefined;
      items[write++] = dependency;
    }
    lengths[index] = sortUniqueRange(items, starts[index]!, write);
    if (lengths[index] !== write - starts[index]!) repeats = true;
  }
  const upstream = repeats ? closeUpLists(starts, items, lengths) : { starts, items };
  return finishStackGraph(sorted, indexOf, upstream, hasAfter, () => collectStackEdges(manifest), { locate });
}

const NO_REFERENCES: readonly { stack: string }[] = [];

/** Whether any of the values that may hold `${{ stacks.X.outputs.K }}` is non-empty (most stacks: none). */
function hasTemplatedValues(stack: StackSpec): boolean {
  for (let index = 0; index < TEMPLATED_KEYS.length; index += 1) if (!isEmptyContainer(stack[TEMPLATED_KEYS[index]!])) return true;
  return false;
}

/** Every edge naming a stack the manifest lacks, located. */
function findUnknownStacks({ locate }: LoadedManifest, edges: readonly StackEdge[], names: readonly string[]): Problem[] {
  const known = new Set(names);
  const problems: Problem[] = [];
  for (const edge of edges) {
    if (known.has(edge.dependency)) continue;
    const keyPath = edge.kind === 'dependsOn' && locate(`${edge.keyPath}.stack`) ? `${edge.keyPath}.stack` : edge.keyPath;
    problems.push({
      code: 'E_UNKNOWN_STACK',
      message: `unknown stack ${quoteText(edge.dependency)}${didYouMean(edge.dependency, names)}`,
      hint: 'run `stackfleet list` to see every stack',
      keyPath,
      location: locate(keyPath),
    });
  }
  return problems;
}

/** Every edge the manifest declares, stack by stack in manifest order. */
export function collectStackEdges(manifest: Manifest): StackEdge[] {
  const edges: StackEdge[] = [];
  for (const stack of listStacks(manifest)) {
    // The stack's own key path once, not once per edge (30,000 edges on 10,000 stacks).
    const stackPath = formatKeyPath(['stacks', stack.name]);
    const { dependsOn, after } = stack;
    const dependsOnPath = `${stackPath}.dependsOn[`;
    for (let index = 0; index < dependsOn.length; index += 1) {
      edges.push({ dependent: stack.name, dependency: dependsOn[index]!.stack, kind: 'dependsOn', keyPath: `${dependsOnPath}${index}]` });
    }
    for (let index = 0; index < after.length; index += 1) {
      edges.push({ dependent: stack.name, dependency: after[index]!, kind: 'after', keyPath: `${stackPath}.after[${index}]` });
    }
    for (const reference of collectStackReferences(stack)) {
      edges.push({ dependent: stack.name, dependency: reference.stack, kind: 'reference', keyPath: reference.keyPath });
    }
  }
  return edges;
}
