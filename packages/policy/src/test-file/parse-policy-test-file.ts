import type { Node } from 'yaml';
import type { Problem } from '@stackfleet/core';
import { POLICY_EFFECTS, type PolicyEffect } from '../types.js';
import { isMap, isSeq, keyOf, locateNode, mapPairs, readPolicyYaml, type PolicySource } from '../parse/policy-source.js';

/** One expected decision; `message` and `policy` are compared only when given. */
export interface ExpectedDecision {
  rule: string;
  effect: PolicyEffect;
  message?: string;
  policy?: string;
}

export interface PolicyTestCase {
  name: string;
  /** The whole input document, as is. */
  input?: Record<string, unknown>;
  /** A `terraform show -json` document, or the path of one (relative to the test file). */
  plan?: string | Record<string, unknown>;
  /** With `plan`: merged over the default `input.run` / `input.stack`. */
  run?: Record<string, unknown>;
  stack?: Record<string, unknown>;
  approvals?: Record<string, unknown>[];
  decisions: ExpectedDecision[];
}

export interface PolicyTestFile {
  /** The policy under test, relative to the test file. */
  policy: string;
  cases: PolicyTestCase[];
}

const CASE_KEYS = ['name', 'input', 'plan', 'run', 'stack', 'approvals', 'decisions'];

/**
 * `*.policy.test.yaml` -> its cases. `policy:` defaults to the test file's
 * name without `.test` (`x.policy.test.yaml` tests `x.policy.yaml`).
 */
export function parsePolicyTestFile(text: string, file: string): { testFile?: PolicyTestFile; problems: Problem[] } {
  const { source, problems } = readPolicyYaml(text, file);
  if (problems.length > 0) return { problems };
  const root = source.document.contents;
  const fail = (node: Node | null | undefined, keyPath: string, message: string, hint: string) =>
    problems.push({ code: 'E_POLICY_TEST', message, hint, keyPath, location: locateNode(source, node) });
  if (!isMap(root)) {
    fail(root, '', 'a policy test file must be a map with "cases:"', 'see "Testing policies" in docs/policies.md');
    return { problems };
  }
  const data = (root.toJS(source.document) ?? {}) as Record<string, unknown>;
  const casesPair = mapPairs(root).find((pair) => keyOf(pair) === 'cases');
  for (const pair of mapPairs(root)) {
    if (!['policy', 'cases'].includes(keyOf(pair))) fail(pair.key as Node, keyOf(pair), `unknown key "${keyOf(pair)}"`, 'valid keys: policy, cases');
  }
  const policy = typeof data['policy'] === 'string' ? data['policy'] : defaultPolicyFile(file);
  if (!casesPair || !isSeq(casesPair.value)) {
    fail(casesPair?.value as Node | undefined ?? root, 'cases', 'expected a list of cases', 'write cases: [{ name, input | plan, decisions }]');
    return { problems };
  }
  const cases = (casesPair.value.items as Node[]).map((node, index) => readCase(source, node, index, fail)).filter((found) => found !== undefined);
  return problems.length > 0 ? { problems } : { testFile: { policy, cases }, problems };
}

function readCase(
  source: PolicySource,
  node: Node,
  index: number,
  fail: (node: Node | null | undefined, keyPath: string, message: string, hint: string) => void,
): PolicyTestCase | undefined {
  const at = `cases[${index}]`;
  if (!isMap(node)) {
    fail(node, at, 'expected a case map', 'write { name, input | plan, decisions }');
    return undefined;
  }
  for (const pair of mapPairs(node)) {
    if (!CASE_KEYS.includes(keyOf(pair))) fail(pair.key as Node, `${at}.${keyOf(pair)}`, `unknown key "${keyOf(pair)}"`, `valid keys: ${CASE_KEYS.join(', ')}`);
  }
  const data = node.toJS(source.document) as Record<string, unknown>;
  const name = typeof data['name'] === 'string' ? data['name'] : `case ${index + 1}`;
  if ((data['input'] === undefined) === (data['plan'] === undefined)) {
    fail(node, at, 'a case needs exactly one of "input" (an input document) or "plan" (terraform show -json)', 'see "Testing policies" in docs/policies.md');
    return undefined;
  }
  const decisions = readDecisions(data['decisions']);
  if (decisions === undefined) {
    const pair = mapPairs(node).find((item) => keyOf(item) === 'decisions');
    fail((pair?.value ?? node) as Node, `${at}.decisions`, 'expected a list of { rule, effect, message? }', 'write decisions: [] when no rule should fire');
    return undefined;
  }
  return {
    name,
    decisions,
    ...pick(data, 'input', isRecord),
    ...pick(data, 'plan', (value) => typeof value === 'string' || isRecord(value)),
    ...pick(data, 'run', isRecord),
    ...pick(data, 'stack', isRecord),
    ...pick(data, 'approvals', Array.isArray),
  };
}

function readDecisions(value: unknown): ExpectedDecision[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const decisions: ExpectedDecision[] = [];
  for (const item of value) {
    if (!isRecord(item) || typeof item['rule'] !== 'string' || !(POLICY_EFFECTS as readonly unknown[]).includes(item['effect'])) return undefined;
    decisions.push({
      rule: item['rule'],
      effect: item['effect'] as PolicyEffect,
      ...(typeof item['message'] === 'string' ? { message: item['message'] } : {}),
      ...(typeof item['policy'] === 'string' ? { policy: item['policy'] } : {}),
    });
  }
  return decisions;
}

function pick(data: Record<string, unknown>, key: string, accept: (value: unknown) => boolean): Record<string, unknown> {
  return data[key] !== undefined && accept(data[key]) ? { [key]: data[key] } : {};
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `x.policy.test.yaml` -> `x.policy.yaml`. */
export function defaultPolicyFile(testFile: string): string {
  const base = testFile.split(/[\\/]/).pop() ?? testFile;
  return base.replace(/\.test\.(ya?ml)$/, '.$1');
}
