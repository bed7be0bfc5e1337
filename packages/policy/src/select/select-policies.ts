import { policyAppliesTo, type PolicyRef, type StackSpec } from '@stackfleet/core';
import type { Policy, PolicyKind } from '../types.js';

/**
 * A policy file named in the manifest, parsed once, with every `policies:`
 * entry that attaches it (`refs`, in manifest order; one file may be attached
 * several times, each with its own narrowing).
 */
export interface LoadedPolicy {
  refs: readonly PolicyRef[];
  policy: Policy;
}

type StackFacts = Pick<StackSpec, 'name' | 'labels' | 'runner'>;

/**
 * The manifest's `policies:` entries grouped by the file they name (`fileOf`:
 * its resolved path), in the order of each file's first entry, with the index
 * of that entry. A file attached several times is one policy: read, parsed and
 * reported once, and judging a stack once (see `loadedPolicyAppliesTo`).
 */
export function groupPolicyAttachments(refs: readonly PolicyRef[], fileOf: (ref: PolicyRef) => string): { file: string; index: number; refs: PolicyRef[] }[] {
  const groups = new Map<string, { file: string; index: number; refs: PolicyRef[] }>();
  refs.forEach((ref, index) => {
    const file = fileOf(ref);
    const group = groups.get(file);
    if (group === undefined) groups.set(file, { file, index, refs: [ref] });
    else group.refs.push(ref);
  });
  return [...groups.values()];
}

/** A policy file applies to a stack when any of its attachments does (each narrowing on its own). */
export function loadedPolicyAppliesTo(loaded: Pick<LoadedPolicy, 'refs'>, stack: StackFacts): boolean {
  return loaded.refs.some((ref) => policyAppliesTo(ref, stack));
}

/** The `kind: plan` policies (or another kind) that apply to one stack, in manifest order, each once. */
export function selectStackPolicies(policies: readonly LoadedPolicy[], kind: PolicyKind, stack: StackFacts): Policy[] {
  return policies.filter((loaded) => loaded.policy.kind === kind && loadedPolicyAppliesTo(loaded, stack)).map((loaded) => loaded.policy);
}

/**
 * `kind: run` and `kind: access` policies see the stacks they apply to
 * (`input.stacks` is narrowed, to the stacks any attachment matches); a
 * policy that applies to none is not evaluated.
 */
export function selectRunPolicies<S extends StackFacts>(
  policies: readonly LoadedPolicy[],
  kind: 'run' | 'access',
  stacks: readonly S[],
): { policy: Policy; stacks: S[] }[] {
  return policies
    .filter((loaded) => loaded.policy.kind === kind)
    .map((loaded) => ({ policy: loaded.policy, stacks: stacks.filter((stack) => loadedPolicyAppliesTo(loaded, stack)) }))
    .filter((selected) => selected.stacks.length > 0);
}
