import { setOwnEntry } from '@stackfleet/core';
import { compileExpression } from '../cel/compile-expression.js';
import type { CelPolicy, PolicyDecision, PolicyRule } from '../types.js';
import { checkValueSize } from './check-value-size.js';
import { failClosed } from './fail-closed.js';

/**
 * `variables` in order (each sees the earlier ones as `variables.NAME`), then
 * every rule. A variable that fails denies the whole policy (its rules would
 * read it); a rule that fails denies with its error.
 */
export function evaluateCelPolicy(policy: CelPolicy, input: unknown): PolicyDecision[] {
  const variables: Record<string, unknown> = {};
  const context = { input, params: policy.params, variables };
  for (const variable of policy.variables) {
    try {
      const value = compileExpression(variable.expression.text)(context);
      // Before a later variable can double it again (see MAX_VARIABLE_VALUES).
      checkValueSize(value);
      // A variable may be called `__proto__` (it is an identifier); CEL reads it as variables["__proto__"].
      setOwnEntry(variables, variable.name, value);
    } catch (error) {
      return [failClosed(policy.name, `variables.${variable.name}`, error)];
    }
  }
  const decisions: PolicyDecision[] = [];
  for (const rule of policy.rules) {
    try {
      const decision = evaluateRule(policy, rule, context);
      if (decision) decisions.push(decision);
    } catch (error) {
      decisions.push(failClosed(policy.name, rule.name, error));
    }
  }
  return decisions;
}

function evaluateRule(policy: CelPolicy, rule: PolicyRule, context: Record<string, unknown>): PolicyDecision | undefined {
  const fired = compileExpression(rule.when.text)(context);
  if (typeof fired !== 'boolean') throw new Error(`"when" must yield a bool, got ${describeResult(fired)}`);
  if (!fired) return undefined;
  const message = rule.message === undefined ? rule.name : compileExpression(rule.message.text)(context);
  if (typeof message !== 'string') throw new Error(`"message" must yield a string, got ${describeResult(message)}`);
  return {
    policy: policy.name,
    rule: rule.name,
    effect: rule.effect,
    message,
    ...(rule.effect === 'require_approval' ? { approvals: rule.approvals, approvers: rule.approvers } : {}),
  };
}

function describeResult(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'bigint') return `the int ${value}`;
  return typeof value === 'object' ? 'a map' : `${typeof value} ${JSON.stringify(value)}`;
}
