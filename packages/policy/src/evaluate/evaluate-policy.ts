import type { Policy, PolicyDecision } from '../types.js';
import { evaluateCelPolicy } from './evaluate-cel-policy.js';
import { evaluateExecPolicy, type ExecOptions } from './evaluate-exec-policy.js';
import { failClosed } from './fail-closed.js';

export type EvaluateOptions = ExecOptions;

/**
 * One policy over one input document -> its decisions, in rule order.
 * Whatever goes wrong is a deny carrying the error (fail closed), except an
 * exec policy stopped by `options.signal` (the run was interrupted): that
 * throws, since it decided nothing (the run records the stack interrupted,
 * and resuming it asks again).
 */
export async function evaluatePolicy(policy: Policy, input: unknown, options: EvaluateOptions = {}): Promise<PolicyDecision[]> {
  try {
    return policy.engine === 'cel' ? evaluateCelPolicy(policy, input) : await evaluateExecPolicy(policy, input, options);
  } catch (error) {
    if (policy.engine === 'exec' && options.signal?.aborted) throw error;
    return [failClosed(policy.name, policy.engine, error)];
  }
}

/** Several policies over the same input, decisions in policy order. */
export async function evaluatePolicies(policies: readonly Policy[], input: unknown, options: EvaluateOptions = {}): Promise<PolicyDecision[]> {
  const decisions: PolicyDecision[] = [];
  for (const policy of policies) decisions.push(...(await evaluatePolicy(policy, input, options)));
  return decisions;
}
