import type { Node, Pair } from 'yaml';
import type { Problem } from '@stackfleet/core';
import { isMap, isScalar, isSeq, locateNode, readPolicyYaml, sortByLocation, type PolicySource } from '../parse/policy-source.js';
import { describeNonPlan } from '../input/describe-non-plan.js';
import { CASE_INPUT_PARTS, checkInputPart } from './check-input-part.js';
import { readExpectedDecisions, type ExpectedDecision } from './read-expected-decisions.js';
import { readKnownPairs, type ReportTestFileProblem } from './test-file-problems.js';

export type { ExpectedDecision } from './read-expected-decisions.js';

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

const TOP_KEYS = ['policy', 'cases'];
const CASE_KEYS = ['name', 'input', 'plan', 'run', 'stack', 'approvals', 'decisions'];
/** Merged into the document built from `plan`; an `input` is taken as is, so beside it they would be ignored. */
const PLAN_ONLY_KEYS = ['run', 'stack', 'approvals'] as const;

/**
 * `*.policy.test.yaml` -> its cases. `policy:` defaults to the test file's
 * name without `.test` (`x.policy.test.yaml` tests `x.policy.yaml`). Every
 * key at every level is checked: a misspelt key must fail, not quietly
 * leave a case testing less than it says.
 */
export function parsePolicyTestFile(text: string, file: string): { testFile?: PolicyTestFile; problems: Problem[] } {
  const { source, problems } = readPolicyYaml(text, file);
  if (problems.length > 0) return { problems };
  const root = source.document.contents;
  const report: ReportTestFileProblem = (node, keyPath, message, hint) =>
    problems.push({ code: 'E_POLICY_TEST', message, hint, keyPath, location: locateNode(source, node) });
  if (!isMap(root)) {
    report(root, '', 'a policy test file must be a map with "cases:"', 'see "Testing policies" in docs/policies.md');
    return { problems };
  }
  const pairs = readKnownPairs(root, '', TOP_KEYS, report);
  const policyPair = pairs.get('policy');
  const policy = policyPair === undefined ? defaultPolicyFile(file) : readString(policyPair, 'policy', report);
  const casesNode = pairs.get('cases')?.value as Node | undefined;
  if (!isSeq(casesNode)) {
    report(casesNode ?? root, 'cases', 'expected a list of cases', 'write cases: [{ name, input | plan, decisions }]');
    return { problems };
  }
  const cases = casesNode.items.map((node, index) => readCase(source, node as Node, index, report));
  if (problems.length > 0 || policy === undefined) return { problems: sortByLocation(problems) };
  return { testFile: { policy, cases: cases.filter((found) => found !== undefined) }, problems };
}

function readCase(source: PolicySource, node: Node, index: number, report: ReportTestFileProblem): PolicyTestCase | undefined {
  const at = `cases[${index}]`;
  if (!isMap(node)) {
    report(node, at, 'expected a case map', 'write { name, input | plan, decisions }');
    return undefined;
  }
  const pairs = readKnownPairs(node, at, CASE_KEYS, report);
  const valueOf = (key: string) => pairs.get(key)?.value as Node | undefined;
  const namePair = pairs.get('name');
  const name = namePair === undefined ? `case ${index + 1}` : readString(namePair, `${at}.name`, report);
  if (pairs.has('input') === pairs.has('plan')) {
    report(node, at, 'a case needs exactly one of "input" (an input document) or "plan" (terraform show -json)', 'see "Testing policies" in docs/policies.md');
    return undefined;
  }
  let clean = name !== undefined;
  if (pairs.has('input')) {
    if (!isMap(valueOf('input'))) clean = fail(report, valueOf('input'), `${at}.input`, 'expected a map (the input document)', 'write input: { run: ..., stack: ..., changes: ... } (see docs/policies.md)');
    for (const key of PLAN_ONLY_KEYS) {
      const pair = pairs.get(key);
      if (pair) clean = fail(report, pair.key as Node, `${at}.${key}`, `"${key}" is for cases with "plan": an "input" is taken as is`, `write it inside input: (input.${key})`);
    }
  } else {
    const plan = valueOf('plan');
    const isPath = isScalar(plan) && typeof plan.value === 'string' && plan.value !== '';
    if (!isPath && !isMap(plan)) clean = fail(report, plan, `${at}.plan`, 'expected the path of a `terraform show -json` file, or that document inline', 'write plan: testdata/x.plan.json');
    const notAPlan = isMap(plan) ? describeNonPlan(plan.toJS(source.document)) : undefined;
    if (notAPlan !== undefined) {
      clean = fail(report, plan, `${at}.plan`, `not a plan from \`terraform show -json PLANFILE\`: ${notAPlan}`, 'paste a plan\'s resource_changes (and planned_values), or write the document under input:');
    }
    for (const key of PLAN_ONLY_KEYS) {
      if (pairs.has(key) && !checkInputPart(valueOf(key), CASE_INPUT_PARTS[key], `${at}.${key}`, report)) clean = false;
    }
  }
  if (!pairs.has('decisions')) report(node, `${at}.decisions`, 'missing "decisions": the decisions expected, in order', 'write decisions: [] when no rule should fire');
  const decisions = pairs.has('decisions') ? readExpectedDecisions(valueOf('decisions'), `${at}.decisions`, report) : undefined;
  if (!clean || decisions === undefined || name === undefined) return undefined;
  const data = node.toJS(source.document) as Record<string, unknown>;
  const given = (key: string) => (data[key] === undefined ? {} : { [key]: data[key] });
  return { name, decisions, ...given('input'), ...given('plan'), ...given('run'), ...given('stack'), ...given('approvals') };
}

/** Reports and returns false (for `clean = fail(...)`). */
function fail(report: ReportTestFileProblem, ...problem: Parameters<ReportTestFileProblem>): false {
  report(...problem);
  return false;
}

function readString(pair: Pair, keyPath: string, report: ReportTestFileProblem): string | undefined {
  if (isScalar(pair.value) && typeof pair.value.value === 'string' && pair.value.value !== '') return pair.value.value;
  report((pair.value ?? pair.key) as Node, keyPath, 'expected a non-empty string', `write ${keyPath.split('.').pop()}: "..."`);
  return undefined;
}

/** `x.policy.test.yaml` -> `x.policy.yaml`. */
export function defaultPolicyFile(testFile: string): string {
  const base = testFile.split(/[\\/]/).pop() ?? testFile;
  return base.replace(/\.test\.(ya?ml)$/, '.$1');
}
