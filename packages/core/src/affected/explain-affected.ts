import type { AffectedReason } from './types.js';

/**
 * Adds every stack downstream of an affected one, with reason `depends on X`.
 * `dependenciesOf` gives a stack's direct upstreams (from the stack graph).
 * Breadth-first, so each dependent names its nearest affected upstream; ties
 * break by name for stable output.
 */
export function selectAffectedDependents(
  affected: ReadonlyMap<string, AffectedReason>,
  stacks: Iterable<string>,
  dependenciesOf: (stack: string) => Iterable<string>,
): Map<string, AffectedReason> {
  const dependents = new Map<string, string[]>();
  for (const stack of stacks) {
    for (const upstream of dependenciesOf(stack)) {
      const list = dependents.get(upstream) ?? [];
      list.push(stack);
      dependents.set(upstream, list);
    }
  }
  const result = new Map(affected);
  let frontier = [...affected.keys()].sort();
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const upstream of frontier) {
      for (const stack of (dependents.get(upstream) ?? []).sort()) {
        if (result.has(stack)) continue;
        result.set(stack, `depends on ${upstream}`);
        next.push(stack);
      }
    }
    frontier = next.sort();
  }
  return result;
}

/**
 * The `--why` line for one stack: follows `depends on` reasons up to the
 * change, e.g. `app: depends on network; network: modules/vpc/main.tf changed`.
 */
export function explainAffected(stack: string, reasons: ReadonlyMap<string, AffectedReason>): string {
  const parts: string[] = [];
  const seen = new Set<string>();
  let current: string | undefined = stack;
  while (current !== undefined && !seen.has(current)) {
    seen.add(current);
    const reason = reasons.get(current);
    if (reason === undefined) break;
    parts.push(`${current}: ${reason}`);
    const upstream = /^depends on (.+)$/.exec(reason);
    current = upstream?.[1];
  }
  return parts.join('; ');
}
