/**
 * What the user asked to run. Different filter kinds narrow each other (a
 * stack must pass every filter given); repeats of one filter widen it.
 */
export interface StackSelector {
  /** `--stack GLOB` (picomatch), repeatable; a stack matching any of them passes. */
  stacks?: readonly string[];
  /** `--label L`, repeatable; a stack carrying any of them passes. */
  labels?: readonly string[];
  /** `--exclude GLOB`, applied last, after dependents and dependencies are added. */
  exclude?: readonly string[];
  /** `--with-dependents`: add everything downstream along `dependsOn` and references. @default false */
  withDependents?: boolean;
  /** `--with-dependencies`: add everything upstream along `dependsOn` and references. @default false */
  withDependencies?: boolean;
  /** `--affected`: stack -> why it is affected, computed by the vcs package. */
  affected?: ReadonlyMap<string, string>;
}

export interface Selection {
  /** Selected stacks in run order (topological, ties by name). */
  stacks: string[];
  /** Why each stack is in: `selected by --stack app*`, `label prod`, `dependent of network`, ... */
  reasons: Map<string, string>;
  /** Stacks that are in only because `--with-dependents` pulled them in. */
  onlyAsDependent: Set<string>;
  /** Selector parts that did nothing (an `--exclude` glob matching no stack), for the user to see. */
  warnings?: string[];
}
