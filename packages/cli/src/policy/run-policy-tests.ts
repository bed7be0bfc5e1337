import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { formatProblem, isStackfleetError } from '@stackfleet/core';
import { buildTestCaseInput, parsePolicyTestFile, runPolicyTestCase, type EvaluateOptions, type TestCaseResult } from '@stackfleet/policy';
import { displayPath } from '../manifest/read-manifest.js';
import { readPolicy } from './read-policies.js';
import { readPlanDocument } from './read-policy-document.js';

/** A case's result; `error` when it could not run (its plan file is missing or is not a plan). */
export type PolicyTestCaseOutcome = TestCaseResult & { error?: string };

export interface PolicyTestFileResult {
  file: string;
  /** Why the file could not run at all (a bad test file or policy). */
  error?: string;
  cases: PolicyTestCaseOutcome[];
}

/** Runs every case of one `*.policy.test.yaml` (IO: the test file, its policy, plan.json files). */
export async function runPolicyTestFile(path: string, cwd: string, options: EvaluateOptions): Promise<PolicyTestFileResult> {
  const file = displayPath(cwd, path);
  try {
    const parsed = parsePolicyTestFile(readFileSync(path, 'utf8'), file);
    if (parsed.testFile === undefined) return { file, error: parsed.problems.map(formatProblem).join('\n'), cases: [] };
    const dir = dirname(path);
    const policy = readPolicy(resolve(dir, parsed.testFile.policy), cwd, 'the test file');
    const cases: PolicyTestCaseOutcome[] = [];
    for (const [index, testCase] of parsed.testFile.cases.entries()) {
      if (policy.kind === 'access' && testCase.input === undefined) {
        throw new Error(`case "${testCase.name}": ${policy.source} is a kind: access policy, which sees no plan: give the case an \`input\` (input.run, input.stacks)`);
      }
      let plan: unknown;
      try {
        plan = typeof testCase.plan === 'string' ? readPlanDocument(testCase.plan, { dir, cwd, via: `cases[${index}].plan of ${file}`, relativeTo: 'the test file', instead: 'or give the case an input:' }) : testCase.plan;
      } catch (error) {
        // Only this case cannot run: the file's other cases still do.
        if (!isStackfleetError(error)) throw error;
        cases.push({ name: testCase.name, passed: false, actual: [], diff: [], error: error.format() });
        continue;
      }
      cases.push(await runPolicyTestCase(policy, testCase, buildTestCaseInput(testCase, plan, policy.kind === 'run' ? 'run' : 'plan'), options));
    }
    return { file, cases };
  } catch (error) {
    const message = isStackfleetError(error) ? error.format() : (error as Error).message;
    return { file, error: message, cases: [] };
  }
}
