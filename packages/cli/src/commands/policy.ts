import { StackfleetError } from '@stackfleet/core';
import { buildTestCaseInput, decideVerdict, formatDecision, evaluatePolicy, type EvaluateOptions } from '@stackfleet/policy';
import { runPolicyCommand } from '@stackfleet/runner';
import type { CommandContext } from '../command-context.js';
import { writeLine } from '../io.js';
import { findPolicyTestFiles } from '../policy/find-policy-tests.js';
import { readInputDocument, readPlanDocument } from '../policy/read-policy-document.js';
import { readPolicy } from '../policy/read-policies.js';
import { runPolicyTestFile } from '../policy/run-policy-tests.js';

/** Exit code of `policy eval` when something denies or awaits approval (as `apply`). */
const EXIT_DENIED = 3;

export interface PolicyEvalOptions {
  input?: string;
  plan?: string;
}

function evaluateOptions(context: CommandContext): EvaluateOptions {
  return { runCommand: runPolicyCommand, env: context.io.env };
}

/**
 * `stackfleet policy eval POLICY --input FILE`: the decisions for one input
 * document. 0 when nothing denies or awaits approval, 3 otherwise.
 */
export async function runPolicyEvalCommand(context: CommandContext, options: PolicyEvalOptions, args: string[]): Promise<number> {
  const [policyPath] = args;
  if ((options.input === undefined) === (options.plan === undefined)) {
    throw new StackfleetError('E_USAGE', 'policy eval needs exactly one of --input FILE or --plan FILE', {
      hint: 'stackfleet policy eval policies/blast-radius.policy.yaml --input input.json',
    });
  }
  const policy = readPolicy(policyPath!, context.io.cwd);
  if (policy.kind === 'access' && options.plan !== undefined) {
    throw new StackfleetError('E_USAGE', `${policy.source} is a kind: access policy: it sees who runs which stacks, never a plan`, {
      hint: 'pass an input document with input.run and input.stacks: stackfleet policy eval POLICY --input input.json (docs/policies.md)',
    });
  }
  const { cwd } = context.io;
  const input =
    options.input !== undefined
      ? readInputDocument(options.input, { dir: cwd, cwd, via: '--input', relativeTo: 'the current directory' })
      : buildTestCaseInput(
          { name: 'eval', decisions: [] },
          readPlanDocument(options.plan!, { dir: cwd, cwd, via: '--plan', relativeTo: 'the current directory', instead: 'an input document goes to --input (docs/policies.md)' }),
          policy.kind === 'run' ? 'run' : 'plan',
        );
  const decisions = await evaluatePolicy(policy, input, evaluateOptions(context));
  const document = (input ?? {}) as { approvals?: never[]; run?: { actor?: { login?: string } } };
  const summary = decideVerdict(decisions, { approvals: document.approvals ?? [], actor: document.run?.actor?.login ?? '' });
  if (context.global.json) {
    writeLine(context.io.stdout, JSON.stringify({ policy: policy.name, verdict: summary.verdict, decisions }));
  } else {
    writeLine(context.io.stdout, `${policy.source}: ${summary.verdict} (${decisions.length} decision${decisions.length === 1 ? '' : 's'})`);
    for (const decision of decisions) writeLine(context.io.stdout, `  ${formatDecision(decision)}`);
  }
  return summary.verdict === 'allow' ? 0 : EXIT_DENIED;
}

/** `stackfleet policy test [PATH...]`: runs `*.policy.test.yaml` files; 1 on any mismatch. */
export async function runPolicyTestCommand(context: CommandContext, _options: unknown, args: string[]): Promise<number> {
  const paths = args.length > 0 ? args : ['.'];
  let files: string[];
  try {
    files = findPolicyTestFiles(paths, context.io.cwd);
  } catch (error) {
    throw new StackfleetError('E_USAGE', `cannot read ${paths.join(', ')}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
      hint: 'pass policy test files or directories that contain *.policy.test.yaml',
    });
  }
  if (files.length === 0) {
    throw new StackfleetError('E_NO_TESTS', `no *.policy.test.yaml files under ${paths.join(', ')}`, {
      hint: 'name test files like blast-radius.policy.test.yaml (see docs/policies.md)',
    });
  }
  let passed = 0;
  let failed = 0;
  const out = context.io.stdout;
  for (const file of files) {
    const result = await runPolicyTestFile(file, context.io.cwd, evaluateOptions(context));
    if (result.error !== undefined) {
      failed += 1;
      writeLine(out, `FAIL ${result.file}`);
      for (const line of result.error.split('\n')) writeLine(out, `  ${line}`);
      continue;
    }
    for (const testCase of result.cases) {
      if (testCase.passed) {
        passed += 1;
        writeLine(out, `ok   ${result.file} > ${testCase.name}`);
        continue;
      }
      failed += 1;
      writeLine(out, `FAIL ${result.file} > ${testCase.name}`);
      if (testCase.error !== undefined) {
        for (const line of testCase.error.split('\n')) writeLine(out, `  ${line}`);
        continue;
      }
      writeLine(out, '  decisions (- expected, + actual):');
      for (const line of testCase.diff) writeLine(out, `    ${line}`);
    }
  }
  writeLine(out, `${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}
