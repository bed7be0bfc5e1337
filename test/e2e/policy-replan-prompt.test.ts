/**
 * The questions of an interactive `apply`/`destroy` judged by policies
 * (issue #13), in a real terminal (tmux), with real command stacks and the
 * real SQLite store: a plan that changed after its upstream applied is asked
 * about again with what the policies say of it, and that "y" counts as the
 * actor's approval as the first one does; a new plan the policies deny is
 * not asked about; nothing is asked when policies deny every stack with
 * changes. Headless, `--auto-approve` accepts a changed plan without calling
 * it approved.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, parseJsonLines, runStackfleet } from '../support/cli.js';
import { createTerminalSessions, hasTmux } from '../support/tmux.js';

/** net's output is the text of ../version; db has changes until it has seen that version. */
const STACKS = `version: 1
stacks:
  net: { runner: command, path: net, commands: { plan: "exit 2", apply: "printf '{\\"id\\":\\"%s\\"}' $(cat ../version) > $STACKFLEET_OUTPUTS" } }
  db:
    runner: command
    path: db
    dependsOn: [{ stack: net, outputs: { id: NET_ID } }]
    commands: { plan: "test -e ../db-seen-$NET_ID && exit 0; exit 2", apply: "touch ../db-seen-$NET_ID", destroy: "touch ../db-destroyed" }
`;

const POLICIES = `policies:
  - file: policies/gate.policy.yaml
    stacks: db
`;

/** Any change of db needs a look (no approvers: the actor's yes at the prompt is enough). */
const LOOK = `kind: plan
rules:
  - name: look
    effect: require_approval
    when: "true"
    message: '"db changes need a look"'
`;

const DENY = `kind: plan
rules:
  - name: frozen
    effect: deny
    when: "true"
    message: '"db is frozen"'
`;

/** A fleet whose stacks applied v1 without policies; from now on `policy` judges db. */
function writeFleet(dir: string, policy: string): void {
  for (const sub of ['net', 'db', 'policies']) mkdirSync(join(dir, sub), { recursive: true });
  writeFileSync(join(dir, 'version'), 'v1');
  writeFileSync(join(dir, 'stacks.yaml'), STACKS);
  const first = runStackfleet(['apply', '--auto-approve'], { cwd: dir, env: { STACKFLEET_ACTOR: 'alice' } });
  if (first.code !== 0 || !existsSync(join(dir, 'db-seen-v1'))) throw new Error(`setup apply failed:\n${first.stdout}${first.stderr}`);
  writeFileSync(join(dir, 'stacks.yaml'), STACKS + POLICIES);
  writeFileSync(join(dir, 'policies', 'gate.policy.yaml'), policy);
}

describe('apply --auto-approve accepts a changed plan; the policies still judge it', () => {
  let dir: string;
  let cleanup: () => void;
  beforeAll(() => {
    ({ dir, cleanup } = makeTempDir('stackfleet-replan-auto-'));
    writeFleet(dir, LOOK);
  });
  afterAll(() => cleanup());

  it('says "accepted (--auto-approve)", not "approved", before the stack ends awaiting_approval', () => {
    writeFileSync(join(dir, 'version'), 'v2');
    const run = runStackfleet(['apply', '--auto-approve', '--json'], { cwd: dir, env: { STACKFLEET_ACTOR: 'alice' } });
    expect(run.code, run.stderr).toBe(3);
    const events = parseJsonLines(run.stdout);
    const lines = events.filter((event) => event.type === 'stack.log' && event.stack === 'db').map((event) => String(event['line']));
    const accepted = lines.find((line) => line.includes('the new plan of db differs'));
    expect(accepted).toBe(
      'stackfleet: the new plan of db differs (saved plan: no changes; new plan: changes); accepted (--auto-approve); the policies judge it before it is applied',
    );
    expect(lines.join('\n')).not.toMatch(/; approved\b/);
    expect(events.filter((event) => event.type === 'stack.finished' && event.stack === 'db').at(-1)).toMatchObject({ status: 'awaiting_approval' });
    expect(existsSync(join(dir, 'db-seen-v2'))).toBe(false);
  });
});

describe.skipIf(!hasTmux)('the questions of an interactive apply or destroy judged by policies (tmux)', () => {
  let root: string;
  let cleanup: () => void;
  const terminal = createTerminalSessions('sf-e2e-replan');
  const start = (dir: string, args: string): void => terminal.start({ dir, actor: 'alice', args });
  const answer = (text: string): void => terminal.answer(text);
  const waitFor = (pattern: RegExp, what: string) => terminal.waitFor(pattern, what);
  beforeAll(() => {
    ({ dir: root, cleanup } = makeTempDir('stackfleet-replan-tty-'));
  });
  afterAll(() => {
    terminal.close();
    cleanup();
  });

  it('asks about the changed plan with the approval policies want, and that "y" is the approval that applies it', async () => {
    const dir = join(root, 'look');
    writeFleet(dir, LOOK);
    writeFileSync(join(dir, 'version'), 'v2');
    start(dir, 'apply');
    const first = await waitFor(/Apply 1 stack\(s\) with changes\?/, 'the first question');
    expect(first).toMatch(/db\s+no changes/);
    answer('y');
    const second = await waitFor(/the new plan\(s\) of db and the stacks after them\?/, 'the second question');
    expect(second).toContain('db: reviewed no changes, now changes');
    expect(second).toContain('plan changed after net applied (saved plan: no changes; new plan: changes); not applied yet: asked about once this run is over');
    expect(second).toContain('Policies require approval:\n  db: db changes need a look (gate/look)');
    expect(second).toContain('Approve and apply the new plan(s) of db and the stacks after them?');
    expect(existsSync(join(dir, 'db-seen-v2'))).toBe(false);
    answer('y');
    const done = await waitFor(/EXIT=\d/, 'the exit');
    expect(done).toContain('EXIT=0');
    expect(done).not.toContain('awaiting approval');
    expect(existsSync(join(dir, 'db-seen-v2'))).toBe(true);
    // The yes is recorded as alice's approval of db in the run that applied it.
    const runs = parseJsonLines(runStackfleet(['history', '--json'], { cwd: dir }).stdout);
    const last = String(runs.find((run) => run['command'] === 'apply')!['id']);
    expect(runStackfleet(['show', last], { cwd: dir }).stdout).toMatch(/db: alice at \S+ — approved at the terminal prompt/);
  });

  it('does not ask about a new plan the policies deny: the stack ends denied, exit 3', async () => {
    const dir = join(root, 'deny-new');
    writeFleet(dir, DENY);
    writeFileSync(join(dir, 'version'), 'v2');
    start(dir, 'apply');
    await waitFor(/Apply 1 stack\(s\) with changes\?/, 'the first question');
    answer('y');
    const done = await waitFor(/EXIT=\d/, 'the exit');
    expect(done).toContain('EXIT=3');
    expect(done).toContain('new plan denied by policy: db is frozen');
    expect(done).not.toContain('the new plan(s) of db');
    expect(existsSync(join(dir, 'db-seen-v2'))).toBe(false);
  });

  it('asks nothing when policies deny every stack with changes (apply and destroy): says why, exit 3', async () => {
    const dir = join(root, 'deny-all');
    writeFleet(dir, DENY);
    // db alone, with changes (it forgot net's v1), and denied.
    rmSync(join(dir, 'db-seen-v1'));
    start(dir, 'apply --stack db');
    const applied = await waitFor(/EXIT=\d/, 'the exit of apply');
    expect(applied).toContain('Policies deny (these stacks will not change):\n  db: db is frozen (gate/frozen)');
    expect(applied).toContain('Nothing to apply: policies deny every stack with changes');
    expect(applied).not.toContain('stack(s) with changes?');
    expect(applied).toContain('EXIT=3');

    start(dir, 'destroy --stack db');
    const destroyed = await waitFor(/EXIT=\d/, 'the exit of destroy');
    expect(destroyed).toContain('Nothing to destroy: policies deny every stack with changes');
    expect(destroyed).not.toContain('stack(s) with changes?');
    expect(destroyed).toContain('EXIT=3');
    expect(existsSync(join(dir, 'db-destroyed'))).toBe(false);
  });
});
