/**
 * Who an approval counts for (issue #13): a `require_approval` rule with
 * `approvals: N` and `approvers:` is satisfied by N distinct allowed
 * approvers, however the approvals were given: the "y" at the terminal
 * prompt (tmux) is the actor's approval and counts only where the rule
 * allows the actor, and approvals of a `plan --save` run count for the
 * `apply --from-plan` run that applies its plans. Real command stacks, the
 * real SQLite store, the built CLI.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, parseJsonLines, runStackfleet } from '../support/cli.js';
import { createTerminalSessions, hasTmux } from '../support/tmux.js';

/** A plan rule that wants two DBAs (carol, dave), whoever runs the apply. */
const TWO_DBAS = `kind: plan
rules:
  - name: two-dbas
    effect: require_approval
    when: "true"
    approvals: 2
    approvers: ["team:dba"]
    message: '"db changes need two DBAs"'
`;

/** A run rule that wants both carol and dave. */
const CAROL_AND_DAVE = `kind: run
rules:
  - name: both-leads
    effect: require_approval
    when: input.stacks.exists(s, s.changes.total > 0.0)
    approvals: 2
    approvers: [carol, dave]
    message: '"carol and dave sign off"'
`;

function writeFleet(dir: string, policy: string): void {
  for (const sub of ['db', 'policies']) mkdirSync(join(dir, sub), { recursive: true });
  writeFileSync(
    join(dir, 'stacks.yaml'),
    `version: 1
teams: { dba: [carol, dave] }
stacks:
  db: { path: db, runner: command, commands: { plan: "exit 2", apply: "touch applied" } }
policies:
  - file: policies/gate.policy.yaml
`,
  );
  writeFileSync(join(dir, 'policies', 'gate.policy.yaml'), policy);
}

const as = (dir: string, actor: string, ...args: string[]) => runStackfleet(args, { cwd: dir, env: { STACKFLEET_ACTOR: actor } });
const runIdOf = (stdout: string): string => String(parseJsonLines(stdout).find((event) => event.type === 'run.started')!['runId']);
const finishedDb = (stdout: string) => parseJsonLines(stdout).find((event) => event.type === 'stack.finished' && event.stack === 'db');

describe('approvals of a `plan --save` run count for `apply --from-plan` of it', () => {
  let dir: string;
  let cleanup: () => void;
  beforeAll(() => {
    ({ dir, cleanup } = makeTempDir('stackfleet-approval-count-'));
    writeFleet(dir, TWO_DBAS);
  });
  afterAll(() => cleanup());

  it('a stack the plan run left awaiting two DBAs is applied once carol and dave approved the plan run', () => {
    const plan = as(dir, 'alice', 'plan', '--save', '--json');
    expect(plan.code, plan.stderr).toBe(0);
    const planRun = runIdOf(plan.stdout);

    // One DBA is not enough: the apply run waits, with the approve command for it.
    expect(as(dir, 'carol', 'approve', planRun, '--stack', 'db').code).toBe(0);
    const one = as(dir, 'alice', 'apply', '--from-plan', planRun, '--json');
    expect(one.code, one.stderr).toBe(3);
    expect(finishedDb(one.stdout)).toMatchObject({ status: 'awaiting_approval' });
    expect(existsSync(join(dir, 'db', 'applied'))).toBe(false);

    // Another plan run's approvals do not count; the second DBA's approval of this one does (an approval of the whole run).
    const other = runIdOf(as(dir, 'alice', 'plan', '--save', '--json').stdout);
    expect(as(dir, 'dave', 'approve', other).code).toBe(0);
    expect(as(dir, 'alice', 'apply', '--from-plan', planRun, '--json').code).toBe(3);
    expect(as(dir, 'dave', 'approve', planRun).code).toBe(0);
    const two = as(dir, 'alice', 'apply', '--from-plan', planRun, '--json');
    expect(two.code, two.stderr).toBe(0);
    expect(finishedDb(two.stdout)).toMatchObject({ status: 'succeeded' });
    const decision = parseJsonLines(two.stdout).find((event) => event.type === 'policy.evaluated');
    expect(decision).toMatchObject({ rule: 'two-dbas', approvedBy: ['carol', 'dave'] });
    expect(existsSync(join(dir, 'db', 'applied'))).toBe(true);
  });
});

describe.skipIf(!hasTmux)('the "y" at the terminal prompt is one approval, by the actor', () => {
  let root: string;
  let cleanup: () => void;
  const terminal = createTerminalSessions('sf-e2e-approval-count');
  /** Runs the CLI in a fresh tmux session as `actor`, answers "y" to its question, and returns the screen at its exit. */
  const answerYes = async (dir: string, actor: string, args: string, question: RegExp): Promise<string> => {
    terminal.start({ dir, actor, args });
    await terminal.waitFor(question, 'the question');
    terminal.answer('y');
    return terminal.waitFor(/EXIT=\d/, 'the exit');
  };
  beforeAll(() => {
    ({ dir: root, cleanup } = makeTempDir('stackfleet-approval-count-tty-'));
  });
  afterAll(() => {
    terminal.close();
    cleanup();
  });

  it("a plan rule naming approvers: alice's yes counts for none of the two DBAs; the stack waits (exit 3) and says why", async () => {
    const dir = join(root, 'plan-rule');
    writeFleet(dir, TWO_DBAS);
    const screen = await answerYes(dir, 'alice', 'apply', /Approve and apply 1 stack\(s\) with changes\?/);
    expect(screen).toContain('EXIT=3');
    expect(screen).toContain("needs 2 approvals from team:dba, holds 0; alice's yes at the prompt counts for 0");
    expect(existsSync(join(dir, 'db', 'applied'))).toBe(false);
    const applyRun = /stackfleet approve (\S+) \[--stack GLOB\]/.exec(screen)?.[1];
    expect(applyRun, screen).toBeDefined();
    // The yes is recorded as alice's approval all the same; the two DBAs' approvals let resume apply it.
    expect(as(dir, 'alice', 'show', applyRun!).stdout).toMatch(/db: alice at \S+ — approved at the terminal prompt/);
    expect(as(dir, 'carol', 'approve', applyRun!).code).toBe(0);
    expect(as(dir, 'dave', 'approve', applyRun!).code).toBe(0);
    const resumed = as(dir, 'alice', 'resume', applyRun!);
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect(existsSync(join(dir, 'db', 'applied'))).toBe(true);
  });

  it("counts the yes of an allowed approver, with the plan run's stored approvals (apply --from-plan in a terminal)", async () => {
    const dir = join(root, 'allowed');
    writeFleet(dir, TWO_DBAS);
    const planRun = runIdOf(as(dir, 'alice', 'plan', '--save', '--json').stdout);
    expect(as(dir, 'carol', 'approve', planRun, '--stack', 'db').code).toBe(0);
    const screen = await answerYes(dir, 'dave', `apply --from-plan ${planRun}`, /Approve and apply the saved plans of run/);
    expect(screen).toContain('EXIT=0');
    expect(existsSync(join(dir, 'db', 'applied'))).toBe(true);
  });

  it("a run rule naming carol and dave: alice's yes is not enough, nothing is applied (exit 3, why, and the approve command)", async () => {
    const dir = join(root, 'run-rule');
    writeFleet(dir, CAROL_AND_DAVE);
    const screen = await answerYes(dir, 'alice', 'apply', /Approve and apply 1 stack\(s\) with changes\?/);
    expect(screen).toContain('EXIT=3');
    expect(screen).toContain("carol and dave sign off (needs 2 approvals from carol, dave, holds 0; alice's yes at the prompt counts for 0)");
    expect(existsSync(join(dir, 'db', 'applied'))).toBe(false);
    const planRun = /stackfleet approve (\S+) \[--comment TEXT\]/.exec(screen)?.[1];
    expect(planRun, screen).toBeDefined();
    expect(as(dir, 'alice', 'show', planRun!).stdout).toMatch(/\(run\): alice at \S+ — approved at the terminal prompt/);
    expect(as(dir, 'carol', 'approve', planRun!).code).toBe(0);
    expect(as(dir, 'dave', 'approve', planRun!).code).toBe(0);
    const applied = as(dir, 'alice', 'apply', '--from-plan', planRun!);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    expect(applied.stderr).toContain('approved by carol, dave');
    expect(existsSync(join(dir, 'db', 'applied'))).toBe(true);
  });

  it('a rule naming no approvers is still satisfied by the actor\'s yes, but as one approval of the two it asks for', async () => {
    const dir = join(root, 'anyone');
    writeFleet(dir, TWO_DBAS.replace('    approvers: ["team:dba"]\n', ''));
    const screen = await answerYes(dir, 'alice', 'apply', /Approve and apply 1 stack\(s\) with changes\?/);
    expect(screen).toContain('EXIT=3');
    expect(screen).toContain("needs 2 approvals from anyone but alice, holds 1 (alice); alice's yes at the prompt counts for 1");
    const once = join(root, 'anyone-once');
    writeFleet(once, TWO_DBAS.replace('    approvers: ["team:dba"]\n', '').replace('approvals: 2', 'approvals: 1'));
    expect(await answerYes(once, 'alice', 'apply', /Approve and apply 1 stack\(s\) with changes\?/)).toContain('EXIT=0');
    expect(existsSync(join(once, 'db', 'applied'))).toBe(true);
  });
});
