import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, runStackfleet } from '../support/cli.js';

/** `policy test` on a test file that is wrong: it must fail where the mistake is, never pass by ignoring it. */
describe('policy test with a wrong test file or expectation', () => {
  let dir: string;
  let cleanup: () => void;
  beforeAll(() => {
    ({ dir, cleanup } = makeTempDir('stackfleet-policy-test-errors-'));
    writeFileSync(join(dir, 'a.policy.yaml'), 'kind: plan\nrules:\n  - name: a\n    effect: deny\n    when: input.changes.total > 3.0\n    message: \'"too big"\'\n');
  });
  afterAll(() => cleanup());

  const runTest = (testFile: string) => {
    writeFileSync(join(dir, 'a.policy.test.yaml'), testFile);
    return runStackfleet(['policy', 'test'], { cwd: dir });
  };

  it('fails on a misspelt key inside an expected decision (it passed, the message never checked)', () => {
    const result = runTest('cases:\n  - name: big\n    input: { changes: { total: 5 } }\n    decisions: [{ rule: a, effect: deny, mesage: "totally wrong" }]\n');
    expect([result.code, result.stdout], result.stderr).toEqual([
      1,
      [
        'FAIL a.policy.test.yaml',
        '  a.policy.test.yaml:4:42 cases[0].decisions[0].mesage: unknown key "mesage" (did you mean "message"?)',
        '    hint: valid keys: rule, effect, message, policy',
        '0 passed, 1 failed',
        '',
      ].join('\n'),
    ]);
  });

  it('names an unknown effect, where it is, and the valid ones', () => {
    const result = runTest('cases:\n  - name: big\n    input: { changes: { total: 5 } }\n    decisions: [{ rule: a, effect: denny }]\n');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('a.policy.test.yaml:4:36 cases[0].decisions[0].effect: unknown effect "denny" (did you mean "deny"?)\n    hint: use one of: deny, warn, require_approval\n');
  });

  it('fails on a misspelt key of a case stack (the case would test the default stack)', () => {
    writeFileSync(join(dir, 'plan.json'), JSON.stringify({ format_version: '1.2', planned_values: { root_module: {} }, resource_changes: [] }));
    const result = runTest('cases:\n  - plan: plan.json\n    stack: { name: db, lables: [prod] }\n    decisions: []\n');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('a.policy.test.yaml:3:24 cases[0].stack.lables: unknown key "lables" (did you mean "labels"?)');
  });

  it('shows the policy in the diff when only the expected policy differs (both lines read "- deny a: too big")', () => {
    const result = runTest('cases:\n  - name: big\n    input: { changes: { total: 5 } }\n    decisions: [{ rule: a, effect: deny, message: too big, policy: other }]\n');
    expect([result.code, result.stdout]).toEqual([
      1,
      [
        'FAIL a.policy.test.yaml > big',
        '  decisions (- expected, + actual):',
        '    - deny a: too big (policy other)',
        '    + deny a: too big (policy a)',
        '0 passed, 1 failed',
        '',
      ].join('\n'),
    ]);
  });
});
