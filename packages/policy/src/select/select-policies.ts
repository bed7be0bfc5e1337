import { policyAppliesTo, type PolicyRef, type StackSpec } from '@stackfleet/core';
import type { Policy, PolicyKind } from '../types.js';

/** A policy file named in the manifest, parsed. */
export interface LoadedPolicy {
  ref: PolicyRef;
  policy: Policy;
}

type StackFacts = Pick<StackSpec, 'name' | 'labels' | 'runner'>;

/** The `kind: plan` policies (or another kind) that apply to one stack, in manifest order. */
export function selectStackPolicies(policies: readonly LoadedPolicy[], kind: PolicyKind, stack: StackFacts): Policy[] {
  return policies.filter((loaded) => loaded.policy.kind === kind && policyAppliesTo(loaded.ref, stack)).map((loaded) => loaded.policy);
}

/**
 * `kind: run` and `kind: access` policies see the stacks they apply to
 * (`input.stacks` is narrowed); a policy that applies to none is not evaluated.
 */
export function selectRunPolicies<S extends StackFacts>(
  policies: readonly LoadedPolicy[],
  kind: 'run' | 'access',
  stacks: readonly S[],
): { policy: Policy; stacks: S[] }[] {
  return policies
    .filter((loaded) => loaded.policy.kind === kind)
    .map((loaded) => ({ policy: loaded.policy, stacks: stacks.filter((stack) => policyAppliesTo(loaded.ref, stack)) }))
    .filter((selected) => selected.stacks.length > 0);
}
