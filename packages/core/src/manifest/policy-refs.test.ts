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
        "stacks.yaml:6:37 policies[0].stacks[0]: "dsn" matches no stack
        hint: use a stack name or a glob that matches one (e.g. "app-*"), or remove it to apply the policy to every stack",
        "stacks.yaml:6:52 policies[0].labels[0]: no stack carries label "prd" (did you mean "prod"?)
        hint: use a label some stack carries, or remove it",
        "stacks.yaml:7:36 policies[1].stacks[0]: "nope" matches no stack
        hint: use a stack name or a glob that matches one (e.g. "app-*"), or remove it to apply the policy to every stack",
      ]
    `);
    expect(problemsOf(fleet('  - { file: a.policy.yaml, runners: [make] }\n'))).toMatchInlineSnapshot(`
      [
        "stacks.yaml:6:38 policies[0].runners[0]: invalid value the string "make"
        hint: use one of: "terraform", "tofu", "command"",
      ]
    `);
  });
});
