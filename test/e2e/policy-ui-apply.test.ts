/**
 * The fleet UI's apply (`stackfleet ui`, `A` then `y`) under policies, in a
 * real terminal (tmux) with the real ink renderer: it goes the way the CLI's
 * interactive `apply` does (plan run first, judged as an apply; a deny of the
 * whole run stops it; the `y` is the actor's approval; then exactly the saved
 * plans are applied). Command stacks, real policies, the real SQLite store.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, parseJsonLines, runStackfleet } from '../support/cli.js';
import { hasTmux, startStackfleetSession, tmuxOn, waitForScreen } from '../support/tmux.js';

/** `one` deletes something (its plan exits 2: `changes.total` is 1); `two` changes nothing. */
const manifest = (policy: string) => `version: 1
stacks:
  one: { runner: command, path: one, commands: { plan: "exit 2", apply: "touch ../one-applied" } }
  two: { runner: command, path: two, commands: { plan: "exit 0", apply: "touch ../two-applied" } }
policies:
  - file: policies/${policy}
`;

const RUN_DENY = `kind: run
rules:
  - name: no-changes
    effect: deny
    when: input.stacks.exists(s, s.changes.total > 0.0)
    message: '"the run changes " + input.stacks.filter(s, s.changes.total > 0.0).map(s, s.stack.name).join(",")'
`;

/** Anyone may approve (no approvers named): the "y" of the one who planned is enough, as at the CLI prompt. */
const RUN_SIGN_OFF = `kind: run
rules:
  - name: sign-off
    effect: require_approval
    when: input.stacks.exists(s, s.changes.total > 0.0)
    message: '"someone signs off " + string(size(input.stacks)) + " stacks"'
`;

/** Only bob may approve: alice's "y" is not enough. */
const RUN_BOB = `kind: run
rules:
  - name: bob
    effect: require_approval
    approvers: [bob]
    when: input.stacks.exists(s, s.changes.total > 0.0)
    message: '"bob signs off"'
`;

/** A plan policy: a look at every change (anyone may approve), and a warning. */
const PLAN_LOOK = `kind: plan
rules:
  - name: look
    effect: require_approval
    when: input.changes.total > 0.0
    message: '"someone looks"'
  - name: note
    effect: warn
    when: input.changes.total > 0.0
    message: '"just a warning"'
`;

/** Judged as the command it is: an apply (not `plan`). */
const ACCESS = `kind: access
rules:
  - name: no-apply
    effect: deny
    when: input.run.command == "apply" && input.run.actor.login == "alice"
    message: '"alice may not run " + input.run.command'
`;

describe.skipIf(!hasTmux)('the fleet UI applies the way `apply` does under policies (tmux)', () => {
  let root: string;
  let cleanup: () => void;
  const servers: string[] = [];
  beforeAll(() => {
    ({ dir: root, cleanup } = makeTempDir('stackfleet-ui-apply-'));
  });
  afterAll(() => {
    for (const server of servers) tmuxOn(server, 'kill-server');
    cleanup();
  });

  /** The fleet `name` with `policy`, its UI started as alice; `A` on every stack, waiting for the confirm screen to settle. */
  async function applyAllInUi(name: string, policy: string, settled: RegExp): Promise<{ dir: string; server: string; screen: string }> {
    const dir = join(root, name);
    for (const sub of ['one', 'two', 'policies']) mkdirSync(join(dir, sub), { recursive: true });
    writeFileSync(join(dir, 'stacks.yaml'), manifest(`${name}.policy.yaml`));
    writeFileSync(join(dir, 'policies', `${name}.policy.yaml`), policy);
    const server = `sf-e2e-uiapply-${process.pid}-${name}`;
    servers.push(server);
    startStackfleetSession(server, { dir, actor: 'alice', args: 'ui', width: 120, height: 30 });
    await waitForScreen(server, /2\/2 stacks/, 'the fleet view');
    // Select all (two stacks: one, then the other), then apply.
    tmuxOn(server, 'send-keys', '-t', server, 'Space', 'Down', 'Space');
    await waitForScreen(server, /2 selected/, 'both selected');
    tmuxOn(server, 'send-keys', '-t', server, 'A');
    return { dir, server, screen: await waitForScreen(server, settled, 'the confirm screen') };
  }

  const runsOf = (dir: string) => parseJsonLines(runStackfleet(['history', '--json'], { cwd: dir }).stdout);

  it('stops when run policies deny the plan run: says why, takes no y, applies nothing', async () => {
    const { dir, server, screen } = await applyAllInUi('deny', RUN_DENY, /apply stopped/);
    expect(screen).toContain('apply stopped: policies denied the plan');
    expect(screen).toContain('Run policies deny: the run changes one (deny/no-changes)');
    expect(screen).not.toContain('y apply');
    tmuxOn(server, 'send-keys', '-t', server, 'y');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(existsSync(join(dir, 'one-applied'))).toBe(false);
    const runs = runsOf(dir);
    expect(runs.map((run) => [run['command'], run['status']])).toEqual([['plan', 'denied']]);
    tmuxOn(server, 'send-keys', '-t', server, 'q');
    await waitForScreen(server, /2\/2 stacks/, 'back to the fleet');
    tmuxOn(server, 'send-keys', '-t', server, 'q');
    expect(await waitForScreen(server, /EXIT=\d/, 'the exit')).toContain('EXIT=0');
  });

  it("shows a run policy's approval, and y gives it as alice's and applies exactly the saved plans", async () => {
    const { dir, server, screen } = await applyAllInUi('sign-off', RUN_SIGN_OFF, /y apply/);
    expect(screen).toContain('Run policies require approval of the whole run:');
    expect(screen).toContain('someone signs off 1 stacks (sign-off/sign-off)');
    expect(screen).toContain('Approve and apply 1 stack(s) with changes?');
    expect(existsSync(join(dir, 'one-applied'))).toBe(false);
    tmuxOn(server, 'send-keys', '-t', server, 'y');
    await waitForScreen(server, /run succeeded/, 'the apply run');
    expect(existsSync(join(dir, 'one-applied'))).toBe(true);
    const [apply, plan] = runsOf(dir);
    expect([plan!['command'], plan!['status'], apply!['command'], apply!['status']]).toEqual(['plan', 'awaiting_approval', 'apply', 'succeeded']);
    // The plan run was judged as an apply; the apply applied its saved plans, with no --auto-approve.
    expect(plan!['selection']).toMatchObject({ previewOf: 'apply', save: true, actor: 'alice' });
    expect(apply!['selection']).toMatchObject({ fromPlan: plan!['id'] });
    expect(apply!['selection']).not.toHaveProperty('autoApprove');
    expect(runStackfleet(['show', String(plan!['id'])], { cwd: dir }).stdout).toMatch(/\(run\): alice at \S+ — approved at the terminal prompt/);
  });

  it("applies nothing when the y is not an approval the rule takes, and says why on screen", async () => {
    const { dir, server, screen } = await applyAllInUi('bob', RUN_BOB, /y apply/);
    expect(screen).toContain('bob signs off (bob/bob)');
    tmuxOn(server, 'send-keys', '-t', server, 'y');
    const after = await waitForScreen(server, /q back to fleet/, 'the refused apply');
    expect(after).toContain('run policies require an approval of run');
    expect(after).toContain('bob signs off');
    expect(existsSync(join(dir, 'one-applied'))).toBe(false);
    expect(runsOf(dir).some((run) => run['command'] === 'apply')).toBe(false);
  });

  it("lists a plan policy's approval and warning; y is alice's approval of the stack, which is then applied", async () => {
    const { dir, server, screen } = await applyAllInUi('look', PLAN_LOOK, /y apply/);
    expect(screen).toContain('Policies warn: one: just a warning (look/note)');
    expect(screen).toContain('Policies require approval:\n  one: someone looks (look/look)');
    tmuxOn(server, 'send-keys', '-t', server, 'y');
    await waitForScreen(server, /run succeeded/, 'the apply run');
    expect(existsSync(join(dir, 'one-applied'))).toBe(true);
    const apply = runsOf(dir)[0]!;
    expect(runStackfleet(['show', String(apply['id'])], { cwd: dir }).stdout).toMatch(/one: alice at \S+ — approved at the terminal prompt/);
  });

  it('is judged as an apply by access policies', async () => {
    const { dir, screen } = await applyAllInUi('access', ACCESS, /apply stopped/);
    expect(screen).toContain('alice may not run apply');
    expect(existsSync(join(dir, 'one-applied'))).toBe(false);
  });

  it('says there is nothing to resume on r, and keeps running (it used to crash with the bundle source)', async () => {
    const dir = join(root, 'resume');
    for (const sub of ['one', 'two', 'policies']) mkdirSync(join(dir, sub), { recursive: true });
    writeFileSync(join(dir, 'stacks.yaml'), manifest('resume.policy.yaml'));
    writeFileSync(join(dir, 'policies', 'resume.policy.yaml'), RUN_SIGN_OFF);
    const server = `sf-e2e-uiapply-${process.pid}-resume`;
    servers.push(server);
    startStackfleetSession(server, { dir, actor: 'alice', args: 'ui', width: 120, height: 30 });
    await waitForScreen(server, /2\/2 stacks/, 'the fleet view');
    tmuxOn(server, 'send-keys', '-t', server, 'r');
    const screen = await waitForScreen(server, /nothing to resume/, 'the notice');
    expect(screen).toContain('nothing to resume: no interrupted run');
    expect(screen).toContain('2/2 stacks');
    expect(screen).not.toMatch(/EXIT=/);
    tmuxOn(server, 'send-keys', '-t', server, 'q');
    expect(await waitForScreen(server, /EXIT=\d/, 'the exit')).toContain('EXIT=0');
  });
});
