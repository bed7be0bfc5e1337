import { describe, expect, it } from 'vitest';
import { formatProblem, ValidationError } from '../errors.js';
import { parseManifest } from './parse-manifest.js';

const fleet = (policies: string) => `version: 1
stacks:
  app-web: { path: ., labels: [prod] }
  dns: { path: ., runner: command, commands: { apply: "true" } }
policies:
${policies}`;

function problemsOf(text: string): string[] {
  try {
    parseManifest(text, 'stacks.yaml');
    return [];
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return error.problems.map(formatProblem);
  }
}

describe('manifest policies', () => {
  it('normalizes stacks (a glob or a list), labels and runners', () => {
    const { manifest } = parseManifest(
      fleet('  - file: a.policy.yaml\n  - { file: b.policy.yaml, stacks: "app-*", labels: [prod], runners: [terraform, tofu] }\n  - { file: c.policy.yaml, stacks: [dns, "app-*"] }\n'),
      'stacks.yaml',
    );
    expect(manifest.policies).toEqual([
      { file: 'a.policy.yaml' },
      { file: 'b.policy.yaml', stacks: ['app-*'], labels: ['prod'], runners: ['terraform', 'tofu'] },
      { file: 'c.policy.yaml', stacks: ['dns', 'app-*'] },
    ]);
  });

  it('rejects a glob or a label that matches no stack (a typo would silently disable a guardrail), and unknown runners', () => {
    expect(problemsOf(fleet('  - { file: a.policy.yaml, stacks: [dsn], labels: [prd] }\n  - { file: b.policy.yaml, stacks: nope }\n'))).toMatchInlineSnapshot(`
      [
        "stacks.yaml:6:37 policies[0].stacks[0]: "dsn" matches no stack (did you mean "dns"?)
        hint: use a stack name or a glob that matches one (e.g. "app-*"), or remove it to apply the policy to every stack",
        "stacks.yaml:6:52 policies[0].labels[0]: no stack carries label "prd" (did you mean "prod"?)
        hint: use a label some stack carries, or remove it",
        "stacks.yaml:7:36 policies[1].stacks: "nope" matches no stack
        hint: use a stack name or a glob that matches one (e.g. "app-*"), or remove it to apply the policy to every stack",
      ]
    `);
    expect(problemsOf(fleet('  - { file: a.policy.yaml, runners: [make, tofuu] }\n'))).toEqual([
      'stacks.yaml:6:38 policies[0].runners[0]: unknown runner "make"\n  hint: use one of: command, terraform, tofu',
      'stacks.yaml:6:44 policies[0].runners[1]: unknown runner "tofuu" (did you mean "tofu"?)\n  hint: use one of: command, terraform, tofu',
    ]);
  });

  it('reports a glob given as a string at `stacks`, as written, and one in a list at its item', () => {
    expect(problemsOf(fleet('  - { file: a.policy.yaml, stacks: "db[" }\n  - file: b.policy.yaml\n    stacks:\n      - "db["\n'))).toEqual([
      'stacks.yaml:6:36 policies[0].stacks: "db[" matches no stack\n  hint: use a stack name or a glob that matches one (e.g. "app-*"), or remove it to apply the policy to every stack',
      'stacks.yaml:9:9 policies[1].stacks[0]: "db[" matches no stack\n  hint: use a stack name or a glob that matches one (e.g. "app-*"), or remove it to apply the policy to every stack',
    ]);
  });

  it('rejects a narrowing whose parts each match some stack but never the same one, or runners no stack uses', () => {
    // app-web carries prod, dns no label: each part matches a stack, together none.
    expect(problemsOf(fleet('  - { file: a.policy.yaml, stacks: [dns], labels: [prod] }\n  - { file: b.policy.yaml, runners: [tofu] }\n'))).toEqual([
      'stacks.yaml:6:5 policies[0]: policy a.policy.yaml applies to no stack: no stack matches its stacks and labels together\n' +
        '  hint: every given narrowing must match (a stack glob, any of the labels, any of the runners): widen or drop one of them',
      'stacks.yaml:7:5 policies[1]: policy b.policy.yaml applies to no stack: no stack matches its runners together\n' +
        '  hint: every given narrowing must match (a stack glob, any of the labels, any of the runners): name a runner some stack uses, or drop runners',
    ]);
    expect(problemsOf(fleet('  - { file: a.policy.yaml, stacks: ["*"], labels: [prod], runners: [terraform, tofu] }\n'))).toEqual([]);
  });
});
