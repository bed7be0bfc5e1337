import { escapeTerminalText } from '@stackfleet/core';
import type { PolicyDecision, Policy, PolicyKind } from '../types.js';
import { evaluatePolicy, type EvaluateOptions } from '../evaluate/evaluate-policy.js';
import { buildRunPolicyInput, buildStackPolicyInput } from '../input/build-policy-input.js';
import type { PolicyRunInfo, PolicyStackInfo } from '../input/types.js';
import type { ExpectedDecision, PolicyTestCase } from './parse-policy-test-file.js';

const DEFAULT_RUN: PolicyRunInfo = {
  id: 'test-run',
  command: 'plan',
  type: 'proposed',
  actor: { login: 'tester', name: 'tester', source: 'test', teams: [] },
  branch: null,
  commit: null,
};
const DEFAULT_STACK: PolicyStackInfo = { name: 'test', labels: [], repo: null, path: '.', runner: 'terraform' };

/**
 * A case's input document: `input` as is, or one built from `plan` like a
 * run would for the policy's kind: a `kind: plan` policy's input for that
 * one stack, a `kind: run` policy's with that stack as the only one planned.
 */
export function buildTestCaseInput(testCase: PolicyTestCase, plan?: unknown, kind: Exclude<PolicyKind, 'access'> = 'plan'): unknown {
  if (testCase.input !== undefined) return testCase.input;
  const given = testCase.run as Partial<PolicyRunInfo> | undefined;
  // A case that names only the actor's login (or teams) keeps the other actor fields: a rule may read them.
  const actor = { ...DEFAULT_RUN.actor, ...(given?.actor?.login === undefined ? {} : { name: given.actor.login }), ...given?.actor };
  const run = { ...DEFAULT_RUN, ...given, actor };
  const stack = { ...DEFAULT_STACK, ...(testCase.stack as Partial<PolicyStackInfo>) };
  const planned = { runner: 'terraform', show: plan ?? testCase.plan } as const;
  const approvals = (testCase.approvals ?? []) as never;
  if (kind === 'run') return buildRunPolicyInput({ run, stacks: [{ stack, plan: planned }], approvals, secrets: [] });
  return buildStackPolicyInput({ run, stack, plan: planned, approvals, secrets: [] });
}

export interface TestCaseResult {
  name: string;
  passed: boolean;
  actual: PolicyDecision[];
  /** Lines of `-` expected / `+` actual, when it failed. */
  diff: string[];
}

export async function runPolicyTestCase(policy: Policy, testCase: PolicyTestCase, input: unknown, options: EvaluateOptions): Promise<TestCaseResult> {
  const actual = await evaluatePolicy(policy, input, options);
  const diff = diffDecisions(testCase.decisions, actual);
  return { name: testCase.name, passed: diff.length === 0, actual, diff };
}

/** Empty when `actual` matches `expected` in order; else a line diff. */
export function diffDecisions(expected: readonly ExpectedDecision[], actual: readonly PolicyDecision[]): string[] {
  const matches = (want: ExpectedDecision, got: PolicyDecision | undefined) =>
    got !== undefined &&
    want.rule === got.rule &&
    want.effect === got.effect &&
    (want.message === undefined || want.message === got.message) &&
    (want.policy === undefined || want.policy === got.policy);
  if (expected.length === actual.length && expected.every((want, index) => matches(want, actual[index]))) return [];
  const lines: string[] = [];
  for (let index = 0; index < Math.max(expected.length, actual.length); index += 1) {
    const want = expected[index];
    const got = actual[index];
    if (want !== undefined && matches(want, got)) {
      lines.push(`  ${formatDecision(got!)}`);
      continue;
    }
    // An expected policy is compared, so both lines show it: else a decision
    // of another policy would print as `- deny a: x` / `+ deny a: x`.
    const showPolicy = want?.policy !== undefined;
    if (want !== undefined) lines.push(`- ${formatDecision(want)}${showPolicy ? ` (policy ${want.policy})` : ''}`);
    if (got !== undefined) lines.push(`+ ${formatDecision(got)}${showPolicy ? ` (policy ${got.policy})` : ''}`);
  }
  return lines;
}

/** One line for a terminal: a message (or an exec policy's rule name) cannot break it or send escapes. */
export function formatDecision(decision: Pick<PolicyDecision, 'rule' | 'effect'> & { message?: string }): string {
  return escapeTerminalText(`${decision.effect} ${decision.rule}${decision.message === undefined ? '' : `: ${decision.message}`}`);
}
