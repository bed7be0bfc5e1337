/**
 * Run policies judged again when a stack is planned again during the apply
 * of saved plans (issue #13), with real terraform (`terraform_data`) and the
 * real SQLite store: t3's count comes from t1's output, so t3's plan changes
 * only after t1 applied. The plan run's run policies see t1's deletes only;
 * t3's new plan must be judged with them, as the run's total.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, parseJsonLines, runStackfleet } from '../support/cli.js';
import { hasTmux, startStackfleetSession, tmuxOn, waitForScreen } from '../support/tmux.js';

const TF = `variable "n" {
  type = number
}
resource "terraform_data" "r" {
  count = var.n
  input = count.index
}
output "n" {
  value = length(terraform_data.r)
}
`;

const stacks = (n: number, policies: string) => `version: 1
stacks:
  t1: { path: t1, vars: { n: "${n}" } }
  t3:
    path: t3
    dependsOn: [{ stack: t1, outputs: { n: TF_VAR_n } }]
${policies}`;

const POLICIES = `policies:
  - file: policies/total.policy.yaml
`;

/** The whole run may delete at most 2 resources. */
const policy = (effect: 'deny' | 'require_approval') => `kind: run
rules:
  - name: total-deletes
    effect: ${effect}
    when: input.stacks.map(s, s.changes.destroy).sum() > 2.0
    message: '"the run deletes " + string(int(input.stacks.map(s, s.changes.destroy).sum())) + " resources"'
`;

/** t1 and t3 applied with 2 resources each, without policies; then the run policy and n = 0 for t1. */
function writeFleet(dir: string, effect: 'deny' | 'require_approval'): void {
  for (const sub of ['t1', 't3', 'policies']) mkdirSync(join(dir, sub), { recursive: true });
  writeFileSync(join(dir, 't1', 'main.tf'), TF);
  writeFileSync(join(dir, 't3', 'main.tf'), TF);
  writeFileSync(join(dir, 'stacks.yaml'), stacks(2, ''));
  const first = runStackfleet(['apply', '--auto-approve', '--ci'], { cwd: dir, env: { STACKFLEET_ACTOR: 'alice' } });
  if (first.code !== 0) throw new Error(`setup apply failed:\n${first.stdout}${first.stderr}`);
  writeFileSync(join(dir, 'policies', 'total.policy.yaml'), policy(effect));
  writeFileSync(join(dir, 'stacks.yaml'), stacks(0, POLICIES));
}

function storedCount(dir: string, stack: string): unknown {
  const result = runStackfleet(['outputs', stack, '--json'], { cwd: dir });
  return (JSON.parse(result.stdout) as Record<string, unknown>)['n'];
}

describe('a run policy deny over a stack planned again', () => {
  let dir: string;
  let cleanup: () => void;
  beforeAll(() => {
    ({ dir, cleanup } = makeTempDir('stackfleet-replan-run-'));
    writeFleet(dir, 'deny');
  }, 120_000);
  afterAll(() => cleanup());

  it('denies t3 (exit 3) once its new plan makes the run delete 4 resources; t1 applied, t3 kept', () => {
    const result = runStackfleet(['apply', '--auto-approve', '--ci', '--json'], { cwd: dir, env: { STACKFLEET_ACTOR: 'alice' } });
    expect(result.code, result.stderr).toBe(3);
    const events = parseJsonLines(result.stdout);
    const finished = events.filter((event) => event.type === 'stack.finished' && event['runId'] === events.filter((e) => e.type === 'run.started').at(-1)!['runId']);
    expect(finished.map((event) => [event.stack, event.status])).toEqual([
      ['t1', 'succeeded'],
      ['t3', 'denied'],
    ]);
    expect(finished[1]!['messages']).toEqual(['the run deletes 4 resources']);
    const runDecisions = events.filter((event) => event.type === 'policy.evaluated' && event.stack === undefined).map((event) => [event['effect'], event['message']]);
    // The plan run saw t1's 2 deletes (nothing fired); the apply run judged again with t3's new plan.
    expect(runDecisions).toEqual([['deny', 'the run deletes 4 resources']]);
    expect(storedCount(dir, 't1')).toBe(0);
    expect(storedCount(dir, 't3')).toBe(2);
  }, 180_000);
});

describe('a run policy approval over a stack planned again (headless)', () => {
  let dir: string;
  let cleanup: () => void;
  beforeAll(() => {
    ({ dir, cleanup } = makeTempDir('stackfleet-replan-run-approval-'));
    writeFleet(dir, 'require_approval');
  }, 120_000);
  afterAll(() => cleanup());

  it('leaves t3 awaiting_approval (exit 3) with the approve command', () => {
    const result = runStackfleet(['apply', '--auto-approve', '--ci', '--json'], { cwd: dir, env: { STACKFLEET_ACTOR: 'alice' } });
    expect(result.code, result.stderr).toBe(3);
    const events = parseJsonLines(result.stdout);
    const applyRun = events.filter((e) => e.type === 'run.started').at(-1)!['runId'];
    const finished = events.filter((event) => event.type === 'stack.finished' && event['runId'] === applyRun);
    expect(finished.map((event) => [event.stack, event.status])).toEqual([
      ['t1', 'succeeded'],
      ['t3', 'awaiting_approval'],
    ]);
    expect(finished[1]!['messages']).toEqual(['the run deletes 4 resources']);
    expect(result.stderr).toContain(`stackfleet approve ${String(applyRun)}`);
    expect(storedCount(dir, 't3')).toBe(2);
  }, 180_000);
});

describe.skipIf(!hasTmux)('the question after a stack planned again lists what the run policies say (tmux)', () => {
  let dir: string;
  let cleanup: () => void;
  const server = `sf-e2e-replan-run-${process.pid}`;
  beforeAll(() => {
    ({ dir, cleanup } = makeTempDir('stackfleet-replan-run-tty-'));
    writeFleet(dir, 'require_approval');
  }, 120_000);
  afterAll(() => {
    tmuxOn(server, 'kill-server');
    cleanup();
  });

  it('shows the run approval with the new plan; that "y" gives it, and t3 is applied', async () => {
    startStackfleetSession(server, { dir, actor: 'alice', args: 'apply' });
    const answer = (text: string): void => void tmuxOn(server, 'send-keys', '-t', server, text, 'Enter');
    const first = await waitForScreen(server, /Apply 1 stack\(s\) with changes\?/, 'the first question');
    expect(first).not.toContain('Run policies require approval');
    answer('y');
    const second = await waitForScreen(server, /the new plan\(s\) of t3 and the stacks after them\?/, 'the second question');
    expect(second).toContain('t3: reviewed no changes, now -2');
    expect(second).toContain('Run policies require approval of the whole run:\n  the run deletes 4 resources (total/total-deletes)');
    expect(second).toContain('Approve and apply the new plan(s) of t3 and the stacks after them?');
    expect(storedCount(dir, 't3')).toBe(2);
    answer('y');
    const done = await waitForScreen(server, /EXIT=\d/, 'the exit');
    expect(done).toContain('EXIT=0');
    expect(storedCount(dir, 't3')).toBe(0);
  }, 180_000);
});
