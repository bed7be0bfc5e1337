import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { formatProblem, ValidationError } from '@stackfleet/core';
import { buildTestCaseInput, parsePolicyTestFile, runPolicyTestCase, type EvaluateOptions, type TestCaseResult } from '@stackfleet/policy';
import { displayPath } from '../manifest/read-manifest.js';
import { readPolicy } from './read-policies.js';

export interface PolicyTestFileResult {
  file: string;
  /** Why the file could not run at all (a bad test file or policy). */
  error?: string;
  cases: TestCaseResult[];
}

/** Runs every case of one `*.policy.test.yaml` (IO: the test file, its policy, plan.json files). */
export async function runPolicyTestFile(path: string, cwd: string, options: EvaluateOptions): Promise<PolicyTestFileResult> {
  const file = displayPath(cwd, path);
  try {
    const parsed = parsePolicyTestFile(readFileSync(path, 'utf8'), file);
    if (parsed.testFile === undefined) return { file, error: parsed.problems.map(formatProblem).join('\n'), cases: [] };
    const dir = dirname(path);
    const policy = readPolicy(resolve(dir, parsed.testFile.policy), cwd, 'the test file');
    const cases: TestCaseResult[] = [];
    for (const testCase of parsed.testFile.cases) {
      if (policy.kind === 'access' && testCase.input === undefined) {
        throw new Error(`case "${testCase.name}": ${policy.source} is a kind: access policy, which sees no plan: give the case an \`input\` (input.run, input.stacks)`);
      }
      const plan = typeof testCase.plan === 'string' ? (JSON.parse(readFileSync(resolve(dir, testCase.plan), 'utf8')) as unknown) : testCase.plan;
      cases.push(await runPolicyTestCase(policy, testCase, buildTestCaseInput(testCase, plan, policy.kind === 'run' ? 'run' : 'plan'), options));
    }
    return { file, cases };
  } catch (error) {
    const message = error instanceof ValidationError ? error.format() : (error as Error).message;
    return { file, error: message, cases: [] };
  }
}
