/**
 * Options every command accepts (SPEC §4 "Common flags"), already parsed:
 * the command table (command-table/global-options.ts) runs each flag's parser.
 */
export interface GlobalOptions {
  file?: string;
  concurrency?: number;
  keepGoing?: boolean;
  failFast?: boolean;
  json?: boolean;
  color?: boolean;
  ci?: boolean;
}

/** Selector flags (SPEC §4 `sel`). */
export interface SelectionOptions {
  stack?: string[];
  label?: string[];
  exclude?: string[];
  affected?: boolean;
  base?: string;
  head?: string;
  withDependents?: boolean;
  withDependencies?: boolean;
  /** `--no-dependents` sets this to false. */
  dependents?: boolean;
  /** With `affected`: stacks already known to be affected (GitHub push without a base), instead of asking git. */
  affectedStacks?: ReadonlyMap<string, string>;
}
