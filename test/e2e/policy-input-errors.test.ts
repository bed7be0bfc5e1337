import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, runStackfleet } from '../support/cli.js';

/** A bad --input file, or a test case's bad plan file: one located line and a hint, exit 1, never a stack trace. */
describe('policy eval and policy test with bad document files', () => {
  let dir: string;
  let cleanup: () => void;
  beforeAll(() => {
    ({ dir, cleanup } = makeTempDir('stackfleet-policy-input-errors-'));
    writeFileSync(join(dir, 'a.policy.yaml'), 'kind: plan\nrules:\n  - name: a\n    effect: deny\n    when: input.changes.total > 3.0\n');
    writeFileSync(join(dir, 'bad1.json'), '{\n  "stack": { "name": "db",\n    "labels": [}\n}\n');
    writeFileSync(join(dir, 'bad.yaml'), 'changes: [\ntotal: 1\n');
    writeFileSync(join(dir, 'list.json'), '[{ "changes": { "total": 9 } }]\n');
  });
  afterAll(() => cleanup());

  const evalInput = (file: string) => runStackfleet(['policy', 'eval', 'a.policy.yaml', '--input', file], { cwd: dir });

  it('points at the place invalid JSON goes wrong, on one line', () => {
    expect(evalInput('bad1.json')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'bad1.json:3:16 invalid JSON: expected a value, found "}"\n  hint: fix the JSON there (a missing or extra comma, bracket or quote?)\n',
    });
  });

  it('gives invalid YAML file:line:col instead of the yaml library snippet', () => {
    expect(evalInput('bad.yaml')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'bad.yaml:2:1 invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]\n  hint: fix the YAML syntax here (indentation, quoting, a missing ":")\n',
    });
  });

  it('refuses an input document that is a list (it evaluated to a deny: "Variable \'input\' is not of type map")', () => {
    const result = evalInput('list.json');
    expect([result.code, result.stdout]).toEqual([1, '']);
    expect(result.stderr).toContain('list.json:1:1 the input document must be an object, it is a list\n');
  });

  it('names a missing file and what its path is relative to', () => {
    expect(evalInput('nope.json')).toEqual({ code: 1, stdout: '', stderr: 'error: cannot read nope.json (--input): no such file\n  hint: fix the path (relative to the current directory)\n' });
  });

  it('fails the case whose plan file is missing or broken, naming the test file and the case', () => {
    mkdirSync(join(dir, 'tests'));
    writeFileSync(join(dir, 'tests', 'broken.json'), '{"resource_changes": [\n');
    writeFileSync(
      join(dir, 'tests', 'a.policy.test.yaml'),
      'policy: ../a.policy.yaml\ncases:\n  - name: missing plan\n    plan: testdata/nope.json\n    decisions: []\n  - name: broken plan\n    plan: broken.json\n    decisions: []\n',
    );
    const result = runStackfleet(['policy', 'test', 'tests'], { cwd: dir });
    expect([result.code, result.stderr]).toEqual([1, '']);
    expect(result.stdout).toBe(
      [
        'FAIL tests/a.policy.test.yaml > missing plan',
        '  cannot read tests/testdata/nope.json (cases[0].plan of tests/a.policy.test.yaml): no such file',
        '    hint: fix the path (relative to the test file)',
        'FAIL tests/a.policy.test.yaml > broken plan',
        '  tests/broken.json:1:23 invalid JSON: expected a value, found the end of the file',
        '    hint: fix the JSON there (a missing or extra comma, bracket or quote?)',
        '0 passed, 2 failed',
        '',
      ].join('\n'),
    );
  });
});
