/** How git reports one changed path. */
export type ChangeStatus = 'added' | 'modified' | 'deleted' | 'renamed';

/** One changed file, relative to its repository root (posix separators). */
export interface ChangedFile {
  path: string;
  status: ChangeStatus;
  /** The path before a rename; both paths count as changed. */
  oldPath?: string;
}

/** A local Terraform module a stack uses, found by following `module` sources. */
export interface ModuleSource {
  /** Module directory, relative to the stack's repository root. */
  dir: string;
  /** How the stack reaches it, e.g. `module source ../../modules/vpc`. */
  via: string;
}

/**
 * Why a stack is affected, in words a person reads in `--why`, e.g.
 * `modules/vpc/main.tf changed (module source ../../modules/vpc)`.
 */
export type AffectedReason = string;
