import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, parseJsonLines, runStackfleet, testEnv } from '../support/cli.js';

/**
 * `down` reads `up`'s output: a plan run made before `up` applies sees the old value (no changes for
 * `down`), and the run that applies re-plans `down` once `up` has applied (a change). Each command
 * stack plans "no changes" when the value it would apply is the one it applied last.
 */
const plan = (variable: string) => `[ "$${variable}" = "$(cat applied 2>/dev/null)" ] && exit 0 || exit 2`;
const fleet = (size: string) => `version: 1
stacks:
  up:
    path: up
    runner: command
    env: { SIZE: ${size} }
    commands:
      plan: '${plan('SIZE')}'
      apply: 'echo "$SIZE" > applied && printf "{\\"size\\": \\"%s\\"}" "$SIZE" > "$STACKFLEET_OUTPUTS"'
  down:
    path: down
    runner: command
    dependsOn: [{ stack: up, outputs: { size: UP_SIZE } }]
    commands:
      plan: '${plan('UP_SIZE')}'
      apply: 'echo "$UP_SIZE" > applied'
policies:
  - file: policies/review.policy.yaml
`;
const REVIEW = `kind: plan
rules:
  - name: review-down
    effect: require_approval
    when: input.stack.name == "down" && input.changes.total > 0.0 && input.run.actor.login != "setup"
    message: '"down changes: a review"'
`;

describe('resume of an apply whose re-planned stack awaited approval', () => {
  let dir: string;
  let cleanup: () => void;
  const stackfleet = (actor: string, ...args: string[]) => runStackfleet(args, { cwd: dir, env: testEnv({ STACKFLEET_ACTOR: actor }) });
  // The last run of the command: with policies, `apply` is a plan run, then the run that applies.
  const finished = (stdout: string, stack: string) => parseJsonLines(stdout).findLast((event) => event.type === 'stack.finished' && event.stack === stack);

  beforeAll(() => {
    ({ dir, cleanup } = makeTempDir('stackfleet-policy-resume-'));
    for (const sub of ['up', 'down', 'policies']) mkdirSync(join(dir, sub));
    writeFileSync(join(dir, 'stacks.yaml'), fleet('small'));
    writeFileSync(join(dir, 'policies', 'review.policy.yaml'), REVIEW);
    const first = stackfleet('setup', 'apply', '--auto-approve', '--json');
    expect(first.code, first.stderr).toBe(0);
  });
  afterAll(() => cleanup());

  it('applies the judged re-plan once it is approved: the approval is the review the changed plan waited for', () => {
    writeFileSync(join(dir, 'stacks.yaml'), fleet('big'));
    const apply = stackfleet('alice', 'apply', '--auto-approve', '--json');
    expect(apply.code, apply.stderr).toBe(3);
    expect(finished(apply.stdout, 'up')).toMatchObject({ status: 'succeeded' });
    // Planned with up's old output (no changes), re-planned after up applied (a change), judged: awaiting approval.
    expect(finished(apply.stdout, 'down')).toMatchObject({ status: 'awaiting_approval', messages: ['down changes: a review'] });
    const runs = parseJsonLines(apply.stdout).filter((event) => event.type === 'run.started').map((event) => String(event['runId']));
    const applyRun = runs.at(-1)!;
    expect(apply.stderr).toContain(`stackfleet approve ${applyRun}`);

    // A bare resume continues interrupted runs only, and points at the one waiting.
    const bare = stackfleet('alice', 'resume');
    expect([bare.code, bare.stdout]).toEqual([0, `nothing to resume: no interrupted run (run ${applyRun} is awaiting approval: once approved, \`stackfleet resume ${applyRun}\` continues it)\n`]);
    expect(stackfleet('bob', 'approve', applyRun, '--stack', 'down').code).toBe(0);
    const resumed = stackfleet('alice', 'resume', applyRun, '--json');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(finished(resumed.stdout, 'down')).toMatchObject({ status: 'succeeded' });
    expect(readFileSync(join(dir, 'down', 'applied'), 'utf8').trim()).toBe('big');
  });
});
