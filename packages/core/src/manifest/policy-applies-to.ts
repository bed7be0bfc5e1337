import picomatch from 'picomatch';
import type { PolicyRef, StackSpec } from '../model.js';

/**
 * `stacks` (any glob), `labels` (any label) and `runners` narrow a policy;
 * all given must match. Here, not in the policy package, because `validate`
 * asks it too: a policy whose narrowing fits no stack guards nothing.
 */
export function policyAppliesTo(ref: PolicyRef, stack: Pick<StackSpec, 'name' | 'labels' | 'runner'>): boolean {
  if (ref.stacks !== undefined && !ref.stacks.some((glob) => picomatch.isMatch(stack.name, glob))) return false;
  if (ref.labels !== undefined && !ref.labels.some((label) => stack.labels.includes(label))) return false;
  if (ref.runners !== undefined && !ref.runners.includes(stack.runner)) return false;
  return true;
}
