/**
 * Run policies judge a run's plans together (issue #13), also when those
 * plans are applied by another process than the one that planned them: the
 * plans they judged are kept with the run in the store, so a stack planned
 * again in a separate `apply --from-plan` or a `resume` is judged with the
 * others (it used to be denied, failing closed, because they were held only
 * in the planning process), and a resumed plan run plans every stack again
 * (its run policies used to judge only the stacks the resume planned).
 * Command stacks and the real SQLite store.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, parseJsonLines, runStackfleet } from '../support/cli.js';

/** Plans "no changes" when the value it would apply is the one it applied last; `fail-NAME` beside the manifest fails its plan. */
const plan = (name: string, variable: string) => `test -f ../fail-${name} && exit 1; [ "$${variable}" = "$(cat applied 2>/dev/null)" ] && exit 0 || exit 2`;
const fleet = (size: string, policies: string) => `version: 1
stacks:
  up:
    path: up
    runner: command
    env: { SIZE: ${size} }
    commands:
      plan: '${plan('up', 'SIZE')}'
      apply: 'echo "$SIZE" > applied && printf "{\\"size\\": \\"%s\\"}" "$SIZE" > "$STACKFLEET_OUTPUTS"'
  down:
    path: down
    runner: command
    dependsOn: [{ stack: up, outputs: { size: UP_SIZE } }]
    commands:
      plan: '${plan('down', 'UP_SIZE')}'
      apply: 'echo "$UP_SIZE" > applied'
  side:
    path: side
    runner: command
    env: { SIZE: ${size} }
    commands:
      plan: '${plan('side', 'SIZE')}'
      apply: 'echo "$SIZE" > applied'
${policies}`;

/** The whole run may change at most `limit` stacks. */
const RUN_POLICY = (limit: number) => `kind: run
rules:
  - name: few-stacks
    effect: deny
    when: size(input.stacks) > ${limit}
    message: '"the run changes " + string(size(input.stacks)) + " stacks" + (input.stacks.exists(s, s.stack.name == "down") ? ", down among them" : "")'
`;
const REVIEW_UP = `kind: plan
rules:
  - name: review-up
    effect: require_approval
    when: input.stack.name == "up" && input.changes.total > 0.0
    message: '"up changes: a review"'
`;

describe('run policies over plans applied by another process', () => {
  let dir: string;
  let cleanup: () => void;
  const stackfleet = (actor: string, ...args: string[]) => runStackfleet(args, { cwd: dir, env: { STACKFLEET_ACTOR: actor } });
  const finished = (stdout: string, stack: string) => parseJsonLines(stdout).findLast((event) => event.type === 'stack.finished' && event.stack === stack);
  const applied = (stack: string) => readFileSync(join(dir, stack, 'applied'), 'utf8').trim();
  /** Everything applied at `small` without policies, then `big` with `policies`: up and side change; down only once up applied. */
  const setUp = (policies: Record<string, string>, size = 'big', extra = '') => {
    writeFileSync(join(dir, 'stacks.yaml'), fleet('small', ''));
    const first = stackfleet('setup', 'apply', '--auto-approve');
    expect(first.code, first.stderr).toBe(0);
    for (const [name, text] of Object.entries(policies)) writeFileSync(join(dir, 'policies', `${name}.policy.yaml`), text);
    const list = Object.keys(policies).map((name) => `  - file: policies/${name}.policy.yaml`);
    writeFileSync(join(dir, 'stacks.yaml'), fleet(size, `policies:\n${list.join('\n')}\n${extra}`));
  };

  beforeEach(() => {
    ({ dir, cleanup } = makeTempDir('stackfleet-run-kept-plans-'));
    for (const sub of ['up', 'down', 'side', 'policies']) mkdirSync(join(dir, sub));
  });
  afterEach(() => cleanup());

  it('apply --from-plan of a plan --save run: a stack planned again is judged with the kept plans, and applied when they allow', () => {
    setUp({ run: RUN_POLICY(3) });
    const planned = stackfleet('alice', 'plan', '--save', '--json');
    expect(planned.code, planned.stderr).toBe(0);
    const runId = String(parseJsonLines(planned.stdout).find((event) => event.type === 'run.started')!['runId']);
    // Another process (a later CI job) applies them: down is planned again once up applied.
    const apply = stackfleet('bob', 'apply', '--from-plan', runId, '--auto-approve', '--json');
    expect(apply.code, apply.stderr).toBe(0);
    expect(finished(apply.stdout, 'down')).toMatchObject({ status: 'succeeded' });
    expect(applied('down')).toBe('big');
  });

  it('apply --from-plan: the run policies deny the run the new plan makes too big, with their own message', () => {
    setUp({ run: RUN_POLICY(2) });
    const planned = stackfleet('alice', 'plan', '--save', '--json');
    expect(planned.code, planned.stderr).toBe(0);
    const runId = String(parseJsonLines(planned.stdout).find((event) => event.type === 'run.started')!['runId']);
    const apply = stackfleet('bob', 'apply', '--from-plan', runId, '--auto-approve', '--json');
    expect(apply.code, apply.stderr).toBe(3);
    // up and side were applied before down's new plan made it three.
    expect(finished(apply.stdout, 'down')).toMatchObject({ status: 'denied', messages: ['the run changes 3 stacks, down among them'] });
    expect(applied('down')).toBe('small');
  });

  it('approve, then resume: a stack planned again after its approved upstream applied is judged with the kept plans (other stacks finished first)', () => {
    setUp({ run: RUN_POLICY(3), review: REVIEW_UP });
    const apply = stackfleet('alice', 'apply', '--auto-approve', '--json');
    expect(apply.code, apply.stderr).toBe(3);
    expect(finished(apply.stdout, 'up')).toMatchObject({ status: 'awaiting_approval' });
    expect(finished(apply.stdout, 'side')).toMatchObject({ status: 'succeeded' });
    const runId = String(parseJsonLines(apply.stdout).findLast((event) => event.type === 'run.started')!['runId']);
    expect(stackfleet('bob', 'approve', runId).code).toBe(0);
    const resumed = stackfleet('bob', 'resume', runId, '--json');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(finished(resumed.stdout, 'up')).toMatchObject({ status: 'succeeded' });
    expect(finished(resumed.stdout, 'down')).toMatchObject({ status: 'succeeded' });
    expect(applied('down')).toBe('big');
  });

  it('resume of a plan --save run that failed part-way plans every stack again, so its run policies judge them all', () => {
    setUp({ run: RUN_POLICY(1) });
    writeFileSync(join(dir, 'fail-side'), '');
    const planned = stackfleet('alice', 'plan', '--save', '--json');
    expect(planned.code).toBe(1);
    expect(finished(planned.stdout, 'side')).toMatchObject({ status: 'failed' });
    const runId = String(parseJsonLines(planned.stdout).find((event) => event.type === 'run.started')!['runId']);
    rmSync(join(dir, 'fail-side'));
    const resumed = stackfleet('alice', 'resume', runId, '--json');
    expect(resumed.stderr).toContain(`run policies judge the plans of run ${runId} together: planning all of its stacks again`);
    const denied = parseJsonLines(resumed.stdout).filter((event) => event.type === 'policy.evaluated' && event['effect'] === 'deny');
    expect(denied.map((event) => event['message'])).toEqual(['the run changes 2 stacks']);
    // Nothing of it is applied.
    const apply = stackfleet('bob', 'apply', '--from-plan', runId, '--auto-approve');
    expect(apply.code, apply.stdout + apply.stderr).toBe(3);
    expect(applied('up')).toBe('small');
    expect(applied('side')).toBe('small');
  });
});
