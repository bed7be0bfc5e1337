/**
 * Policy decisions in the terminal UI (issue #13: "warn is printed,
 * recorded, and shown in summaries and the UI"), in a real terminal (tmux)
 * with the real ink renderer: the live view of an interactive `apply` marks
 * each stack's line with its decisions, sums them up in its last frame with
 * the approve command when a stack waits, and the fleet UI's details of a
 * stack list the decisions of its last run from the store. Command stacks,
 * real policies, the real SQLite store, the built CLI.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../support/cli.js';
import { createTerminalSessions, hasTmux } from '../support/tmux.js';

const MANIFEST = `version: 1
stacks:
  one: { runner: command, path: one, commands: { plan: "exit 2", apply: "touch ../one-applied" } }
  two: { runner: command, path: two, commands: { plan: "exit 2", apply: "touch ../two-applied" } }
  three: { runner: command, path: three, commands: { plan: "exit 0", apply: "true" } }
policies:
  - file: policies/guard.policy.yaml
`;

/** Every change is warned about; two's wants carol, so alice's "y" does not let it go. */
const GUARD = `kind: plan
rules:
  - name: look
    effect: require_approval
    approvers: [carol]
    when: input.stack.name == "two" && input.changes.total > 0.0
    message: '"carol looks at " + input.stack.name'
  - name: note
    effect: warn
    when: input.changes.total > 0.0
    message: '"changes " + input.stack.name'
`;

describe.skipIf(!hasTmux)('policy decisions in the live view and the fleet UI (tmux)', () => {
  let dir: string;
  let cleanup: () => void;
  const terminal = createTerminalSessions('sf-e2e-policy-live');
  beforeAll(() => {
    ({ dir, cleanup } = makeTempDir('stackfleet-policy-live-'));
    for (const sub of ['one', 'two', 'three', 'policies']) mkdirSync(join(dir, sub), { recursive: true });
    writeFileSync(join(dir, 'stacks.yaml'), MANIFEST);
    writeFileSync(join(dir, 'policies', 'guard.policy.yaml'), GUARD);
  });
  afterAll(() => {
    terminal.close();
    cleanup();
  });

  it('marks warned and waiting stacks on their lines, sums the decisions up and names the approve command; the details list them', async () => {
    terminal.start({ dir, actor: 'alice', args: 'apply', width: 110, height: 40 });
    const asked = await terminal.waitFor(/Approve and apply 2 stack\(s\) with changes\?/, 'the question');
    // The plan run: each changed stack warned about, two's approval to come.
    expect(asked).toMatch(/^~ one +changed +\S+ +⚠ 1 warning$/m);
    expect(asked).toMatch(/^~ two +changed +\S+ +⚠ 1 warning · approval required: carol looks at two$/m);
    expect(asked).toContain('policies: 2 warnings · 1 approval required');
    terminal.answer('y');
    const screen = await terminal.waitFor(/EXIT=\d/, 'the exit');
    expect(screen).toContain('EXIT=3');
    const applyRun = /run (\S+) is awaiting approval/.exec(screen)?.[1];
    expect(applyRun, screen).toBeDefined();
    const applyFrame = screen.slice(screen.lastIndexOf('Only "yes" or "y" is accepted'));
    expect(applyFrame).toMatch(/^✓ one +succeeded +\S+ +⚠ 1 warning$/m);
    expect(applyFrame).toMatch(/^\? two +awaiting +\S+ +awaiting approval: carol looks at two \(needs 1 approval from carol/m);
    expect(applyFrame).toContain('run awaiting_approval in');
    expect(applyFrame).toContain('policies: 2 warnings · 1 approval required\n');
    expect(applyFrame).toContain(`approve: stackfleet approve ${applyRun} [--stack GLOB] [--comment TEXT]\nthen \`stackfleet resume ${applyRun}\` continues it`);
    expect(existsSync(join(dir, 'one-applied'))).toBe(true);
    expect(existsSync(join(dir, 'two-applied'))).toBe(false);

    // The fleet UI: two's details (one, three, two by name) read its last run's decisions from the store.
    terminal.start({ dir, actor: 'alice', args: 'ui', width: 110, height: 40 });
    await terminal.waitFor(/3\/3 stacks/, 'the fleet view');
    terminal.answer('');
    await terminal.waitFor(/Last runs/, 'the details of one');
    expect(await terminal.waitFor(/Policies in run/, "one's decisions")).toContain(`Policies in run ${applyRun} (1)\n  warn: changes one (guard/note)`);
  });
});
