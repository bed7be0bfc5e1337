import type { Node, Pair } from 'yaml';
import { didYouMean } from '@stackfleet/core';
import { POLICY_EFFECTS, type PolicyEffect } from '../types.js';
import { isMap, isScalar, isSeq } from '../parse/policy-source.js';
import { readKnownPairs, type ReportTestFileProblem } from './test-file-problems.js';

/** One expected decision; `message` and `policy` are compared only when given. */
export interface ExpectedDecision {
  rule: string;
  effect: PolicyEffect;
  message?: string;
  policy?: string;
}

const DECISION_KEYS = ['rule', 'effect', 'message', 'policy'];
const DECISION_SHAPE = '{ rule, effect, message?, policy? }';

/**
 * A case's `decisions:`. Every item is checked key by key: a misspelt
 * `mesage:` would otherwise mean "any message" and the case would pass
 * without checking what it was written to check.
 */
export function readExpectedDecisions(node: Node | null | undefined, at: string, report: ReportTestFileProblem): ExpectedDecision[] | undefined {
  if (!isSeq(node)) {
    report(node, at, `expected a list of ${DECISION_SHAPE}`, 'write decisions: [] when no rule should fire');
    return undefined;
  }
  const decisions = node.items.map((item, index) => readExpectedDecision(item as Node, `${at}[${index}]`, report));
  return decisions.every((decision) => decision !== undefined) ? decisions : undefined;
}

function readExpectedDecision(node: Node, at: string, report: ReportTestFileProblem): ExpectedDecision | undefined {
  if (!isMap(node)) {
    report(node, at, `expected ${DECISION_SHAPE}`, 'write - { rule: NAME, effect: deny }');
    return undefined;
  }
  let problems = 0;
  const counting: ReportTestFileProblem = (...problem) => {
    problems += 1;
    report(...problem);
  };
  const pairs = readKnownPairs(node, at, DECISION_KEYS, counting);
  const rule = readText(node, pairs.get('rule'), `${at}.rule`, true, counting);
  const effect = readEffect(node, pairs.get('effect'), `${at}.effect`, counting);
  const message = readText(node, pairs.get('message'), `${at}.message`, false, counting);
  const policy = readText(node, pairs.get('policy'), `${at}.policy`, false, counting);
  if (problems > 0 || rule === undefined || effect === undefined) return undefined;
  return { rule, effect, ...(message === undefined ? {} : { message }), ...(policy === undefined ? {} : { policy }) };
}

function readText(node: Node, pair: Pair | undefined, keyPath: string, required: boolean, report: ReportTestFileProblem): string | undefined {
  const key = keyPath.split('.').pop()!;
  if (pair === undefined) {
    if (required) report(node, keyPath, `missing "${key}": the name of the rule expected to fire`, 'write { rule: NAME, effect: deny }');
    return undefined;
  }
  if (isScalar(pair.value) && typeof pair.value.value === 'string') return pair.value.value;
  report((pair.value ?? pair.key) as Node, keyPath, 'expected a string', `quote it: ${key}: "..."`);
  return undefined;
}

function readEffect(node: Node, pair: Pair | undefined, keyPath: string, report: ReportTestFileProblem): PolicyEffect | undefined {
  const hint = `use one of: ${POLICY_EFFECTS.join(', ')}`;
  if (pair === undefined) {
    report(node, keyPath, 'missing "effect"', hint);
    return undefined;
  }
  const value: unknown = isScalar(pair.value) ? pair.value.value : undefined;
  if ((POLICY_EFFECTS as readonly unknown[]).includes(value)) return value as PolicyEffect;
  report((pair.value ?? pair.key) as Node, keyPath, `unknown effect ${JSON.stringify(value ?? null)}${didYouMean(String(value), POLICY_EFFECTS)}`, hint);
  return undefined;
}
