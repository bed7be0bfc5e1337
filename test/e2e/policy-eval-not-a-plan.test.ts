import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, repoRoot, runStackfleet, testEnv } from '../support/cli.js';

const BLAST_RADIUS = join(repoRoot, 'policies/blast-radius.policy.yaml');

/**
 * `--plan` and a test case's `plan:` take `terraform show -json PLANFILE`
 * output only: a state, `{}` or an input document used to read as a plan
 * without changes, and the policy allowed it.
 */
describe('policy eval --plan and policy test refuse what is not a plan', () => {
  let dir: string;
  let cleanup: () => void;
  const terraform = (...args: string[]) => {
    const result = spawnSync('terraform', args, { cwd: join(dir, 'stack'), env: testEnv(), encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`terraform ${args.join(' ')} failed: ${result.stderr}`);
    return result.stdout;
  };
  const evalPlan = (file: string) => runStackfleet(['policy', 'eval', BLAST_RADIUS, '--plan', file], { cwd: dir });

  beforeAll(() => {
    ({ dir, cleanup } = makeTempDir('stackfleet-policy-not-a-plan-'));
    mkdirSync(join(dir, 'stack'));
    writeFileSync(join(dir, 'stack', 'main.tf'), 'resource "terraform_data" "db" {\n  input = { tier = "data" }\n}\n');
    terraform('init', '-input=false');
    terraform('plan', '-input=false', '-out=create.tfplan');
    writeFileSync(join(dir, 'create.json'), terraform('show', '-json', 'create.tfplan'));
    terraform('apply', '-auto-approve', '-input=false', 'create.tfplan');
    writeFileSync(join(dir, 'state.json'), terraform('show', '-json'));
    terraform('plan', '-input=false', '-out=same.tfplan');
    writeFileSync(join(dir, 'same.json'), terraform('show', '-json', 'same.tfplan'));
    writeFileSync(join(dir, 'empty.json'), '{}');
    writeFileSync(join(dir, 'input.json'), JSON.stringify({ changes: { add: 0, change: 0, destroy: 9, replace: 0, total: 9, known: true } }));
  }, 120_000);
  afterAll(() => cleanup());

  it('evaluates real plans, with changes and without', () => {
    expect(evalPlan('create.json').code).toBe(0);
    expect([evalPlan('same.json').code, evalPlan('same.json').stdout]).toEqual([0, `${BLAST_RADIUS}: allow (0 decisions)\n`]);
  });

  it('refuses a state, an empty object and an input document with exit 1 and how to make a plan', () => {
    const state = evalPlan('state.json');
    expect([state.code, state.stdout]).toEqual([1, '']);
    expect(state.stderr).toBe(
      'error: state.json (--plan) is not a plan from `terraform show -json PLANFILE`: it is a state (`terraform show -json` without a plan file): it has values, no planned_values or resource_changes\n' +
        '  hint: make one with: terraform plan -out=tfplan && terraform show -json tfplan > plan.json; an input document goes to --input (docs/policies.md)\n',
    );
    const empty = evalPlan('empty.json');
    expect([empty.code, empty.stderr]).toEqual([1, expect.stringContaining('empty.json (--plan) is not a plan from `terraform show -json PLANFILE`: it has no planned_values or resource_changes')]);
    const input = evalPlan('input.json');
    expect([input.code, input.stderr]).toEqual([1, expect.stringContaining('input.json (--plan) is not a plan from `terraform show -json PLANFILE`: it looks like an input document')]);
  });

  it('fails the test case whose plan: is a state, and still runs the others', () => {
    writeFileSync(join(dir, 'guard.policy.yaml'), 'kind: plan\nrules:\n  - name: any\n    effect: deny\n    when: input.changes.total > 0.0\n');
    writeFileSync(
      join(dir, 'guard.policy.test.yaml'),
      'cases:\n  - name: from a state\n    plan: state.json\n    decisions: []\n  - name: no changes\n    plan: same.json\n    decisions: []\n',
    );
    const result = runStackfleet(['policy', 'test', 'guard.policy.test.yaml'], { cwd: dir });
    expect([result.code, result.stdout]).toEqual([
      1,
      [
        'FAIL guard.policy.test.yaml > from a state',
        '  state.json (cases[0].plan of guard.policy.test.yaml) is not a plan from `terraform show -json PLANFILE`: it is a state (`terraform show -json` without a plan file): it has values, no planned_values or resource_changes',
        '    hint: make one with: terraform plan -out=tfplan && terraform show -json tfplan > plan.json; or give the case an input:',
        'ok   guard.policy.test.yaml > no changes',
        '1 passed, 1 failed',
        '',
      ].join('\n'),
    ]);
  });
});
