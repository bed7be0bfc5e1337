/**
 * Ctrl-C while an `engine: exec` policy runs (SPEC §5): the first SIGINT of
 * the run reaches the policy's process group, the stack ends `interrupted`
 * (not `denied`: the policy decided nothing) and the run can be resumed; a
 * policy that ignores SIGINT is killed by the second. A real script, the
 * built CLI started as a child process and signalled like a terminal would.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, parseJsonLines, runStackfleet, startStackfleet } from '../support/cli.js';

/**
 * Slow (40 s) while the `slow` file exists; `trap` makes it ignore SIGINT while `stubborn` exists.
 * Short sleeps, not one `sleep 40`: a SIGINT that reaches `sh -c` just after `touch started`,
 * before it forks the sleep, is held by dash until its next command ends (the sleep, not yet in
 * the group, never got it), so the run waited the whole 40 s about one time in five.
 */
const SLOW_POLICY = `kind: plan
engine: exec
timeout: 60s
command: |
  if [ -f stubborn ]; then trap '' INT; fi
  if [ -f slow ]; then touch started; for i in $(seq 400); do sleep 0.1; done; fi
  echo "{}"
`;

describe('Ctrl-C during an exec policy', () => {
  let dir: string;
  let cleanup: () => void;
  const policies = () => join(dir, 'policies');
  beforeAll(() => {
    ({ dir, cleanup } = makeTempDir('stackfleet-policy-interrupt-'));
    for (const sub of ['db', 'policies']) mkdirSync(join(dir, sub));
    writeFileSync(
      join(dir, 'stacks.yaml'),
      'version: 1\nstacks:\n  db: { path: db, runner: command, commands: { plan: "exit 2", apply: "touch applied" } }\npolicies:\n  - file: policies/slow.policy.yaml\n',
    );
    writeFileSync(join(policies(), 'slow.policy.yaml'), SLOW_POLICY);
  });
  afterAll(() => cleanup());

  /** Starts `apply --auto-approve` and resolves once the policy script is sleeping. */
  async function startUntilPolicyRuns() {
    rmSync(join(policies(), 'started'), { force: true });
    writeFileSync(join(policies(), 'slow'), '');
    const run = startStackfleet(['apply', '--auto-approve', '--json'], { cwd: dir });
    const deadline = Date.now() + 30_000;
    while (!existsSync(join(policies(), 'started'))) {
      if (Date.now() > deadline) throw new Error(`the policy never started:\n${run.output().stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return { ...run, startedAt: Date.now() };
  }

  it('the first Ctrl-C stops the policy: the stack and the run end interrupted (not denied), and resume finishes it', async () => {
    const run = await startUntilPolicyRuns();
    run.child.kill('SIGINT');
    const result = await run.done;
    // Long before the script's 40 s sleep would have ended.
    expect(Date.now() - run.startedAt).toBeLessThan(20_000);
    expect(result.code, result.stderr).toBe(1);
    const events = parseJsonLines(result.stdout);
    const db = events.find((event) => event.type === 'stack.finished' && event.stack === 'db');
    expect(db).toMatchObject({ status: 'interrupted', reason: 'exec policy slow was stopped before it decided' });
    expect(events.filter((event) => event.type === 'policy.evaluated')).toEqual([]);
    const finished = events.find((event) => event.type === 'run.finished')!;
    expect(finished['status']).toBe('interrupted');
    expect(existsSync(join(dir, 'db', 'applied'))).toBe(false);

    // The interrupted run is the plan run of the apply: resume plans (and judges) db again, then its plan is applied.
    rmSync(join(policies(), 'slow'));
    const planRun = String(finished['runId']);
    const resumed = runStackfleet(['resume', planRun], { cwd: dir });
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    // It finished the planning; applying is the apply's step, and it says so.
    expect(resumed.stderr).toContain(`run ${planRun} was the planning of an apply, and nothing of it was applied yet: apply them with \`stackfleet apply --from-plan ${planRun}\``);
    expect(existsSync(join(dir, 'db', 'applied'))).toBe(false);
    const applied = runStackfleet(['apply', '--from-plan', planRun], { cwd: dir });
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    expect(existsSync(join(dir, 'db', 'applied'))).toBe(true);
  });

  it('a policy that ignores SIGINT is killed by the second Ctrl-C', async () => {
    writeFileSync(join(policies(), 'stubborn'), '');
    try {
      const run = await startUntilPolicyRuns();
      run.child.kill('SIGINT');
      // The first one reached the script, which ignores it: the run is still waiting for it.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(run.child.exitCode).toBeNull();
      run.child.kill('SIGINT');
      const result = await run.done;
      expect(Date.now() - run.startedAt).toBeLessThan(20_000);
      const db = parseJsonLines(result.stdout).find((event) => event.type === 'stack.finished' && event.stack === 'db');
      expect(db).toMatchObject({ status: 'interrupted' });
    } finally {
      rmSync(join(policies(), 'stubborn'));
    }
  });
});

describe('Ctrl-C during an exec access policy', () => {
  it('stops it before any stack starts: the run ends interrupted (not denied), exit 1, and resume runs it', async () => {
    const { dir, cleanup } = makeTempDir('stackfleet-access-interrupt-');
    try {
      for (const sub of ['db', 'policies']) mkdirSync(join(dir, sub));
      writeFileSync(
        join(dir, 'stacks.yaml'),
        'version: 1\nstacks:\n  db: { path: db, runner: command, commands: { apply: "touch applied" } }\npolicies:\n  - file: policies/slow.policy.yaml\n',
      );
      writeFileSync(join(dir, 'policies', 'slow.policy.yaml'), SLOW_POLICY.replace('kind: plan', 'kind: access'));
      writeFileSync(join(dir, 'policies', 'slow'), '');
      const run = startStackfleet(['apply', '--auto-approve', '--json'], { cwd: dir });
      const deadline = Date.now() + 30_000;
      while (!existsSync(join(dir, 'policies', 'started'))) {
        if (Date.now() > deadline) throw new Error(`the policy never started:\n${run.output().stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const startedAt = Date.now();
      run.child.kill('SIGINT');
      const result = await run.done;
      expect(Date.now() - startedAt).toBeLessThan(20_000);
      expect(result.code, result.stderr).toBe(1);
      const events = parseJsonLines(result.stdout);
      expect(events.find((event) => event.type === 'stack.finished' && event.stack === 'db')).toMatchObject({
        status: 'skipped',
        reason: 'run interrupted while access policies decided',
      });
      expect(events.filter((event) => event.type === 'policy.evaluated')).toEqual([]);
      const finished = events.find((event) => event.type === 'run.finished')!;
      expect(finished['status']).toBe('interrupted');
      expect(existsSync(join(dir, 'db', 'applied'))).toBe(false);

      rmSync(join(dir, 'policies', 'slow'));
      const resumed = runStackfleet(['resume', String(finished['runId'])], { cwd: dir });
      expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
      expect(existsSync(join(dir, 'db', 'applied'))).toBe(true);
    } finally {
      cleanup();
    }
  });
});
