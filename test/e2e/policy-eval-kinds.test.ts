import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, runStackfleet } from '../support/cli.js';

/** The part of `terraform show -json` policies read: one create, one no-op (dropped). */
const PLAN = JSON.stringify({
  format_version: '1.2',
  resource_changes: [
    { address: 'terraform_data.a', mode: 'managed', type: 'terraform_data', name: 'a', change: { actions: ['create'], before: null, after: { input: 'x' } } },
    { address: 'terraform_data.b', mode: 'managed', type: 'terraform_data', name: 'b', change: { actions: ['no-op'], before: {}, after: {} } },
  ],
  output_changes: {},
});

describe('policy eval --plan for each kind of policy', () => {
  let dir: string;
  let cleanup: () => void;
  beforeAll(() => {
    ({ dir, cleanup } = makeTempDir('stackfleet-policy-eval-'));
    writeFileSync(join(dir, 'plan.json'), PLAN);
    writeFileSync(
      join(dir, 'run.policy.yaml'),
      'kind: run\nrules:\n  - name: creates\n    effect: warn\n    when: input.stacks.exists(s, s.changes.add > 0.0)\n    message: \'string(size(input.stacks)) + " stack(s), " + string(int(input.stacks[0].changes.add)) + " create(s)"\'\n',
    );
    writeFileSync(join(dir, 'access.policy.yaml'), 'kind: access\nrules:\n  - name: nobody\n    effect: deny\n    when: input.run.actor.login == "nobody"\n');
  });
  afterAll(() => cleanup());

  it('hands a kind: run policy the plan as the only planned stack', () => {
    const result = runStackfleet(['policy', 'eval', 'run.policy.yaml', '--plan', 'plan.json'], { cwd: dir });
    expect([result.code, result.stdout], result.stderr).toEqual([0, 'run.policy.yaml: allow (1 decision)\n  warn creates: 1 stack(s), 1 create(s)\n']);
  });

  it('refuses a plan for a kind: access policy, which never sees one', () => {
    const result = runStackfleet(['policy', 'eval', 'access.policy.yaml', '--plan', 'plan.json'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('is a kind: access policy: it sees who runs which stacks, never a plan');
    expect(result.stderr).toContain('--input');
  });

  it('says a missing policy file is relative to the current directory', () => {
    const result = runStackfleet(['policy', 'eval', 'nope.policy.yaml', '--plan', 'plan.json'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('relative to the current directory');
  });
});
