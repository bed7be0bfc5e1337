import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, runStackfleet } from '../support/cli.js';

/**
 * Command stacks whose plan exits 2 while a `drifted` marker file exists in
 * their directory; apply removes the marker and counts itself in `applies`.
 */
const MANIFEST = `version: 1
contexts:
  heal:
    drift: { remediate: true }
stacks:
  base:
    runner: command
    path: stacks/base
    contexts: [heal]
    commands: { plan: "test ! -f drifted || exit 2", apply: "rm -f drifted; echo apply >> applies; echo '{\\"v\\": 1}' > \\"$STACKFLEET_OUTPUTS\\"" }
  web:
    runner: command
    path: stacks/web
    dependsOn: [base]
    commands: { plan: "test ! -f drifted || exit 2", apply: "rm -f drifted; echo apply >> applies" }
  notify:
    runner: command
    path: stacks/notify
    commands: { apply: "true" }
  nightly:
    runner: command
    path: stacks/nightly
    drift: { schedule: "0 3 1 1 *" }
    commands: { plan: "test ! -f drifted || exit 2", apply: "true" }
`;

describe('stackfleet drift on command stacks', () => {
  let dir: string;
  let cleanup: () => void;
  const drift = (...args: string[]) => runStackfleet(['drift', ...args], { cwd: dir });
  const markDrifted = (stack: string) => writeFileSync(join(dir, 'stacks', stack, 'drifted'), '');
  const applies = (stack: string) => (existsSync(join(dir, 'stacks', stack, 'applies')) ? readFileSync(join(dir, 'stacks', stack, 'applies'), 'utf8').split('\n').length - 1 : 0);

  beforeAll(() => {
    ({ dir, cleanup } = makeTempDir());
    writeFileSync(join(dir, 'stacks.yaml'), MANIFEST);
    for (const stack of ['base', 'web', 'notify', 'nightly']) mkdirSync(join(dir, 'stacks', stack), { recursive: true });
  });
  afterAll(() => cleanup());

  it('exits 0 on a clean fleet and reports a stack without commands.plan as skipped, not clean', () => {
    const result = drift('--junit', 'out/clean.xml');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('drift: 4 stack(s): 0 drifted, 3 clean, 0 error(s), 1 skipped');
    expect(result.stdout).toContain('notify: skipped (runner command without commands.plan');
    expect(readFileSync(join(dir, 'out/clean.xml'), 'utf8')).toContain('<testcase classname="drift" name="notify" time="0.000">\n      <skipped message="runner command without commands.plan');
  });

  it('exits 2 when a plan exits 2, names exactly the drifted stacks, and writes both reports', () => {
    markDrifted('web');
    const result = drift('--report', 'drift.md', '--junit', 'drift.xml');
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('drift: 4 stack(s): 1 drifted, 2 clean, 0 error(s), 1 skipped');
    const report = readFileSync(join(dir, 'drift.md'), 'utf8');
    expect(report.replace(/`[0-9a-f-]+` at [^:]+:\d\d:\d\d\.\d+Z/, '`RUN` at TIME').split('## ')[1]).toMatchInlineSnapshot(`
      "Manifest repository

      | Stack | Status | Changes |
      |---|---|---|
      | base | clean |  |
      | nightly | clean |  |
      | notify | skipped |  |
      | web | drifted |  |

      <details><summary>notify: skipped</summary>

      <pre>runner command without commands.plan: nothing can tell whether it drifted</pre>
      </details>

      <details><summary>web: drifted</summary>

      The plan reported changes; it lists no resources.
      </details>
      "
    `);
    const junit = readFileSync(join(dir, 'drift.xml'), 'utf8');
    expect(junit).toMatch(/<testcase classname="drift" name="web" time="[\d.]+">\n {6}<failure message="drifted" type="drift">/);
    expect(junit).toMatch(/<testcase classname="drift" name="base" time="[\d.]+"\/>/);
  });

  it('--remediate applies only the opted-in drifted stack, with the plan it just made, and leaves the others', () => {
    markDrifted('base');
    const result = drift('--remediate');
    expect(result.code).toBe(2); // web is still drifted
    expect(result.stdout).toContain('base: remediated');
    expect(result.stdout).toContain('web: drifted');
    expect(applies('base')).toBe(1);
    expect(applies('web')).toBe(0);
    expect(existsSync(join(dir, 'stacks/web/drifted'))).toBe(true);
    // The remediated stack's outputs are stored like after any apply.
    expect(runStackfleet(['outputs', 'base', '--json'], { cwd: dir }).stdout).toContain('"v"');
  });

  it('--history shows when each stack drifted and was reconciled', () => {
    const result = drift('--history', 'web');
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').map((line) => line.split(/\s{2,}/).slice(1, 4).join(' | '))).toEqual([
      'STACK | STATUS | EVENT',
      'web | drifted | still drifted',
      'web | drifted | drifted',
      'web | clean | clean',
      '',
    ]);
    const base = drift('--history', 'base', '--json').stdout.trim().split('\n').map((line) => JSON.parse(line) as { event: string; remediated?: boolean });
    expect(base.map((row) => row.event)).toEqual(['remediated', 'clean', 'clean']);
    expect(drift('--history', 'nope').code).toBe(1);
  });

  it('--due checks only stacks whose schedule came due since their last check', () => {
    // nightly has been checked by the sweeps above and its yearly schedule has not fired since; the others have no schedule.
    const result = drift('--due');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('--due: 0 of 4 stacks due');
    expect(result.stderr).toContain('nightly: not due, next at');
    expect(result.stdout, result.stdout + result.stderr).toContain('drift: 0 stack(s)');
  });
});
