import picomatch from 'picomatch';
import { StackfleetError } from '../errors.js';
import type { StackGraph } from '../graph/types.js';
import type { Manifest } from '../model.js';
import { didYouMean } from '../text/suggest.js';
import type { Selection, StackSelector } from './types.js';

const LIST_HINT = 'run `stackfleet list` to see every stack and its labels';

/**
 * Applies `--stack`, `--label` and `--affected` (each narrows the others),
 * then adds dependents and dependencies, then removes `--exclude`. No filter
 * at all selects every stack. A `--stack` name (no wildcard) or `--label`
 * that matches no stack of the manifest is an `E_NO_MATCH` error, since it is
 * almost always a typo; a `--stack` pattern with wildcards (`payments-*`) that
 * matches nothing is a warning, like `--exclude`: a pattern may legitimately
 * match nothing in this fleet. An empty `--affected` set is simply an empty
 * selection.
 */
export function selectStacks(graph: StackGraph, manifest: Manifest, selector: StackSelector): Selection {
  const reasons = new Map<string, string>();
  const warnings: string[] = [];
  // Affected first: its reason ("changed: ...") is the one users look for.
  const filters = [
    ...(selector.affected ? [(name: string) => selector.affected?.get(name)] : []),
    ...(selector.stacks?.length ? [buildGlobFilter(graph.names, selector.stacks, warnings)] : []),
    ...(selector.labels?.length ? [buildLabelFilter(graph.names, manifest, selector.labels)] : []),
  ];
  const { names } = graph;
  // An index loop: for...of allocates per step before the optimizer runs (10,000 stacks).
  for (let index = 0; index < names.length; index += 1) {
    const name = names[index]!;
    // No filter selects every stack: no list of reasons to build and join for each.
    if (filters.length === 0) {
      reasons.set(name, 'selected');
      continue;
    }
    // One filter (the usual `--label` or `--stack`): its reason as it is, no list to join per stack.
    if (filters.length === 1) {
      const reason = filters[0]!(name);
      if (reason !== undefined) reasons.set(name, reason || 'selected');
      continue;
    }
    const why: string[] = [];
    for (const filter of filters) {
      const reason = filter(name);
      if (reason === undefined) break;
      why.push(reason);
    }
    if (why.length === filters.length) reasons.set(name, why.join(', ') || 'selected');
  }

  const seeds = selector.withDependencies || selector.withDependents ? [...reasons.keys()] : [];
  const onlyAsDependent = new Set<string>();
  if (selector.withDependencies) {
    for (const [name, origin] of graph.collectDependencies(seeds)) {
      if (!reasons.has(name)) reasons.set(name, `dependency of ${origin}`);
    }
  }
  if (selector.withDependents) {
    for (const [name, origin] of graph.collectDependents(seeds)) {
      if (reasons.has(name)) continue;
      reasons.set(name, `dependent of ${origin}`);
      onlyAsDependent.add(name);
    }
  }

  for (const glob of selector.exclude ?? []) {
    const matches = picomatch(glob);
    // A warning, not an error like --stack: excluding nothing still runs what was asked.
    if (!graph.names.some((name) => matches(name))) warnings.push(`no stack matches --exclude "${glob}"${didYouMean(glob, graph.names)}`);
  }
  if (selector.exclude?.length) {
    const isExcluded = picomatch([...selector.exclude]);
    for (const name of [...reasons.keys()]) {
      if (!isExcluded(name)) continue;
      reasons.delete(name);
      onlyAsDependent.delete(name);
    }
  }
  // Everything selected (no filter): the whole order, without marking 10,000 names one by one.
  const stacks = reasons.size === graph.names.length ? graph.topologicalOrder() : graph.topologicalOrder(reasons.keys());
  return { stacks, reasons, onlyAsDependent, ...(warnings.length > 0 ? { warnings } : {}) };
}

type Filter = (name: string) => string | undefined;

function buildGlobFilter(names: readonly string[], globs: readonly string[], warnings: string[]): Filter {
  const matchers = globs.map((glob) => ({ glob, matches: picomatch(glob) }));
  for (const { glob, matches } of matchers) {
    if (names.some((name) => matches(name))) continue;
    if (picomatch.scan(glob).isGlob) {
      warnings.push(`no stack matches --stack "${glob}"${didYouMean(glob, names)}`);
      continue;
    }
    throw new StackfleetError('E_NO_MATCH', `no stack matches --stack "${glob}"${didYouMean(glob, names)}`, {
      hint: LIST_HINT,
    });
  }
  return (name) => {
    const match = matchers.find(({ matches }) => matches(name));
    return match && `selected by --stack ${match.glob}`;
  };
}

function buildLabelFilter(names: readonly string[], manifest: Manifest, labels: readonly string[]): Filter {
  const labelsOf = (name: string): readonly string[] => manifest.stacks[name]?.labels ?? [];
  // Loops, not names.flatMap(labelsOf): an array per stack, 10,000 of them on a large fleet.
  const known = new Set<string>();
  for (let index = 0; index < names.length; index += 1) {
    const carried = labelsOf(names[index]!);
    for (let at = 0; at < carried.length; at += 1) known.add(carried[at]!);
  }
  for (const label of labels) {
    if (known.has(label)) continue;
    throw new StackfleetError('E_NO_MATCH', `no stack has --label "${label}"${didYouMean(label, known)}`, {
      hint: LIST_HINT,
    });
  }
  return (name) => {
    const carried = labelsOf(name);
    for (let index = 0; index < labels.length; index += 1) {
      const label = labels[index]!;
      if (carried.includes(label)) return label && `label ${label}`;
    }
    return undefined;
  };
}
