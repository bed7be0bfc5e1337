/**
 * Why one stack has to wait for another:
 * - `dependsOn`: declared in `dependsOn` (ordering, outputs, and selection).
 * - `reference`: a `${{ stacks.X.outputs.K }}` interpolation (same strength as dependsOn).
 * - `after`: ordering only; never pulls stacks into a run.
 */
export type StackEdgeKind = 'dependsOn' | 'after' | 'reference';

/** `dependent` must run after `dependency`. */
export interface StackEdge {
  dependent: string;
  dependency: string;
  kind: StackEdgeKind;
  /** Where the edge is declared, for `LoadedManifest.locate`, e.g. `stacks.app.dependsOn[0]`. */
  keyPath: string;
}

/**
 * The stack DAG. Every algorithm is iterative (a 10,000-deep chain is fine)
 * and every listing is sorted by name so output is deterministic.
 */
export interface StackGraph {
  /** All stack names, sorted. */
  readonly names: readonly string[];
  /** Every declared edge, in declaration order (several per pair are possible). */
  readonly edges: readonly StackEdge[];
  has(name: string): boolean;
  /** Direct upstream stacks along every edge kind, sorted. */
  dependenciesOf(name: string): readonly string[];
  /** Direct downstream stacks along every edge kind, sorted. */
  dependentsOf(name: string): readonly string[];
  /**
   * Kahn's algorithm with a min-heap on names: dependencies first, ties by
   * name. With `subset`, only those stacks are returned, still ordered by
   * paths that pass through stacks outside the subset (a -> b -> c with only
   * a and c given puts a before c).
   */
  topologicalOrder(subset?: Iterable<string>): string[];
  /**
   * Transitive downstream stacks of `names` along `dependsOn` and `reference`
   * edges (not `after`: ordering-only edges never pull a stack into a run).
   * Maps each stack reached (the seeds themselves excluded) to the seed it was
   * reached from (nearest first, ties by seed name).
   */
  collectDependents(names: Iterable<string>): Map<string, string>;
  /** Like `collectDependents`, upstream. Same edge kinds (`after` excluded). */
  collectDependencies(names: Iterable<string>): Map<string, string>;
  /**
   * For each stack of `subset`: the nearest upstream stacks that are also in
   * the subset, along every edge kind, looking through stacks outside it.
   * This is what a run needs to wait for.
   */
  collectNeeds(subset: Iterable<string>): Map<string, string[]>;
}
