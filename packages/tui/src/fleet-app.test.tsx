import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FleetApp } from './fleet-app.js';
import type { FleetStackInfo, StackDetails } from './types.js';
import { clean, createActions, createFleet, fixedClock, keys, tick } from './fleet.fixtures.js';

afterEach(() => cleanup());

function renderApp(fleet: FleetStackInfo[] = createFleet(), actions = createActions()) {
  const app = render(<FleetApp fleet={fleet} actions={actions} clock={fixedClock} color={false} batchMs={1} tickMs={60_000} />);
  const press = async (...inputs: string[]): Promise<void> => {
    for (const input of inputs) {
      app.stdin.write(input);
      await tick(5);
    }
  };
  return { app, actions, press, frame: () => clean(app.lastFrame()) };
}

describe('fleet view', () => {
  it('lists every stack grouped by repo', async () => {
    const { frame } = renderApp();
    await tick();
    expect(frame()).toMatchInlineSnapshot(`
      "stackfleet · 4/4 stacks · 0 selected · by repo
      filter: none  (/ to filter: text, label:X, repo:X)
            STACK                        PATH                  RUNR LAST RUN  OUTS   LOCK/DRIFT/LABELS
        ▾ (this repository) (1)
      ›   ↷ smoke                        checks/smoke          cmd  2d ago           #test
        ▾ payments (1)
            app                          stacks/app            tf   never     1 out  #prod
        ▾ platform (2)
          ✗ db                           stacks/db             tofu 5m ago           locked:alice DRIFTED…
          ✓ network                      stacks/network        tf   2h ago    3 out  #prod #core
      1-7 of 7 · ? help · space select · p plan · A apply · q quit"
    `);
  });

  it('shows the dependency tree with g, each stack once under its deepest dependency', async () => {
    const { frame, press } = renderApp();
    await press('g');
    expect(frame()).toMatchInlineSnapshot(`
      "stackfleet · 4/4 stacks · 0 selected · dependency tree
      filter: none  (/ to filter: text, label:X, repo:X)
            STACK                        PATH                  RUNR LAST RUN  OUTS   LOCK/DRIFT/LABELS
      ›   ✓ network                      platform:stacks/netw… tf   2h ago    3 out  #prod #core
          ✗   └ db                       platform:stacks/db    tofu 5m ago           locked:alice DRIFTED…
                └ app +1                 payments:stacks/app   tf   never     1 out  #prod
          ↷       └ smoke                checks/smoke          cmd  2d ago           #test
      1-4 of 4 · ? help · space select · p plan · A apply · q quit"
    `);
  });

  it('filters as you type by name, path and label:X', async () => {
    const { frame, press } = renderApp();
    await press('/', 'd', 'b');
    await vi.waitFor(() => expect(frame()).toContain('/db█'));
    await vi.waitFor(() => expect(frame()).not.toContain('network'));
    await vi.waitFor(() => expect(frame()).toContain('db'));
    await press(keys.escape, '/', 'l', 'a', 'b', 'e', 'l', ':', 'c', 'o', 'r', 'e', keys.enter);
    expect(frame()).toMatchInlineSnapshot(`
      "stackfleet · 1/4 stacks · 0 selected · by repo
      filter: label:core  (/ edit, esc clear)
            STACK                        PATH                  RUNR LAST RUN  OUTS   LOCK/DRIFT/LABELS
        ▾ platform (1)
      ›   ✓ network                      stacks/network        tf   2h ago    3 out  #prod #core
      1-2 of 2 · ? help · space select · p plan · A apply · q quit"
    `);
  });

  it('reads keys that arrive in one chunk one by one, Enter and Space included', async () => {
    // tmux, a paste or a busy process can deliver "db<Enter><Space>" as one read: Enter must still end the filter.
    const { frame, press } = renderApp();
    await press('/', 'db\r ');
    await vi.waitFor(() => expect(frame()).toContain('1 selected'));
    expect(frame()).toContain('filter: db  (/ edit, esc clear)');
  });

  it('selects with space and plans the selection', async () => {
    const { scripted } = await import('./runs.fixtures.js');
    const run = scripted();
    const actions = createActions([run]);
    const { frame, press } = renderApp(createFleet(), actions);
    await press(keys.down, ' ', keys.down, ' ');
    await vi.waitFor(() => expect(frame()).toContain('2 selected'));
    await vi.waitFor(() => expect(frame()).toMatch(/◉ {3}app/));
    await press('p');
    expect(actions.calls).toEqual(['plan app,db']);
  });

  it('acts on the stack under the cursor when nothing is selected, and unlocks it', async () => {
    const { frame, press, actions } = renderApp();
    await press(keys.end, 'u');
    await tick();
    expect(actions.calls).toEqual(['unlock network']);
    await vi.waitFor(() => expect(frame()).toContain('unlocked network'));
  });

  it('adds dependents to the selection through the callback', async () => {
    const { frame, press, actions } = renderApp();
    await press(keys.end, ' ', 'a');
    expect(actions.calls).toEqual(['dependents network']);
    await vi.waitFor(() => expect(frame()).toContain('3 selected'));
  });

  it('toggles "affected only" with f when affected is known', async () => {
    const fleet = createFleet().map((stack) => ({ ...stack, affected: stack.name === 'db' }));
    const { frame, press } = renderApp(fleet);
    await press('f');
    await vi.waitFor(() => expect(frame()).toContain('1/4 stacks'));
    await vi.waitFor(() => expect(frame()).toContain('affected only (f)'));
    await vi.waitFor(() => expect(frame()).not.toContain('network'));
  });

  it('shows the help overlay with ? and closes it with any key', async () => {
    const { frame, press } = renderApp();
    await press('?');
    await tick();
    expect(frame()).toMatchInlineSnapshot(`
      "╭──────────────────────────────────────────────────────────────────────────────────────────────────╮
      │ Keys                                                                                             │
      │ ↑↓ j k     move · pgup/pgdn page · home/end                                                      │
      │ /          filter as you type: text, label:X, repo:X                                             │
      │ g          group by repo / dependency tree                                                       │
      │ f          affected stacks only (when known)                                                     │
      │ space      select the stack under the cursor                                                     │
      │ a          add dependents of the selection                                                       │
      │ p / A / d  plan / apply (with confirmation) / drift check                                        │
      │ r          resume the last interrupted run                                                       │
      │ u          unlock the stack under the cursor                                                     │
      │ enter      details: outputs, settings, deps, runs                                                │
      │ q          quit                                                                                  │
      │ Status: ✓ ok  ~ changed  = unchanged  ✗ failed  ↷ skipped  ⊘ denied  ? awaiting  ! interrupted   │
      │ press any key to close                                                                           │
      ╰──────────────────────────────────────────────────────────────────────────────────────────────────╯"
    `);
    await press('x');
    await vi.waitFor(() => expect(frame()).toContain('STACK'));
  });

  it('opens details with enter: masked outputs, settings with provenance, deps, runs', async () => {
    const details = {
      outputs: [{ name: 'db_password', value: '***', sensitive: true }, { name: 'vpc_id', value: 'vpc-123', sensitive: false }],
      settings: [
        { key: 'env.AWS_REGION', value: 'eu-west-1', source: 'context aws-prod' },
        { key: 'vars.cidr', value: '10.0.0.0/16', source: 'stack' },
      ],
      history: [{ runId: 'run-7', at: '2026-01-01T10:00:00Z', status: 'succeeded', durationMs: 12_300 }],
    };
    const { frame, press, actions } = renderApp(createFleet(), createActions([], details));
    await press(keys.end, keys.enter);
    await tick();
    expect(actions.calls).toEqual(['details network']);
    expect(frame()).toMatchInlineSnapshot(`
      "network
      repo platform · path stacks/network · runner terraform
      labels prod, core
      depends on -
      dependents db, app

      Outputs (2)
        db_password = ***  (sensitive)
        vpc_id = vpc-123

      Settings (2)
        env.AWS_REGION = eu-west-1  ← context aws-prod
        vars.cidr      = 10.0.0.0/16  ← stack

      Last runs (1)
        2026-01-01T10:00:00Z  succeeded   run-7  12.3s
      q back"
    `);
    await press('q');
    await vi.waitFor(() => expect(frame()).toContain('STACK'));
  });

  it("lists the policy decisions of the stack's last run in its details: escaped, repeats once with ×N, the run's own marked", async () => {
    const details: StackDetails = {
      outputs: [],
      settings: [],
      history: [{ runId: 'run-8', at: '2026-01-01T10:00:00Z', status: 'awaiting_approval', durationMs: 300 }],
      lastRunPolicies: {
        runId: 'run-8',
        decisions: [
          { decision: { stack: 'network', policy: 'guard', rule: 'look', effect: 'require_approval', message: 'someone looks\nFAKE: ok' }, count: 2 },
          { decision: { stack: 'network', policy: 'guard', rule: 'note', effect: 'warn', message: 'token=***' }, count: 1 },
          { decision: { stack: null, policy: 'run', rule: 'size', effect: 'warn', message: 'a big run' }, count: 1 },
        ],
      },
    };
    const { frame, press } = renderApp(createFleet(), createActions([], details));
    await press(keys.end, keys.enter);
    await vi.waitFor(() => expect(frame()).toContain('Policies in run run-8 (3)'));
    expect(frame().slice(frame().indexOf('Last runs'))).toMatchInlineSnapshot(`
      "Last runs (1)
        2026-01-01T10:00:00Z  awaiting_approval run-8  300ms

      Policies in run run-8 (3)
        require_approval: someone looks⏎FAKE: ok (guard/look) ×2
        warn: token=*** (guard/note)
        run: warn: a big run (run/size)
      q back"
    `);
  });

  it('renders only a window of a 5,000-stack fleet and scrolls it', async () => {
    const fleet = Array.from({ length: 5000 }, (_, index): FleetStackInfo => ({
      name: `stack-${String(index).padStart(4, '0')}`,
      repo: 'big',
      path: `stacks/${index}`,
      labels: [],
      runner: 'command',
      dependsOn: [],
      dependents: [],
      outputCount: 0,
    }));
    const { frame, press } = renderApp(fleet);
    await tick();
    expect(frame().split('\n').length).toBeLessThan(24);
    await vi.waitFor(() => expect(frame()).toContain('stack-0000'));
    await vi.waitFor(() => expect(frame()).not.toContain('stack-0100'));
    await press(keys.end);
    expect(frame().split('\n').length).toBeLessThan(24);
    await vi.waitFor(() => expect(frame()).toContain('› '));
    await vi.waitFor(() => expect(frame()).toMatch(/› {5}stack-4999/));
    await vi.waitFor(() => expect(frame()).toContain('of 5001'));
  });

  it('adapts to a resize', async () => {
    const { app, frame } = renderApp();
    await tick();
    Object.defineProperty(app.stdout, 'columns', { value: 60, configurable: true });
    app.stdout.emit('resize');
    await tick();
    expect(Math.max(...frame().split('\n').map((line) => line.length))).toBeLessThanOrEqual(60);
  });

  it('says so when there is no interrupted run to resume, and starts a drift check with d', async () => {
    const { scripted } = await import('./runs.fixtures.js');
    const { frame, press, actions } = renderApp(createFleet(), createActions([]));
    await press('r');
    // A notice on the fleet, not a failed run (it used to crash the UI: an unhandled rejection).
    await vi.waitFor(() => expect(frame()).toContain('nothing to resume: no interrupted run'));
    expect(frame()).toContain('STACK');
    const driftActions = createActions([scripted()]);
    const second = renderApp(createFleet(), driftActions);
    await second.press('d');
    expect(driftActions.calls).toEqual(['drift smoke']);
    await vi.waitFor(() => expect(second.frame()).toContain('ctrl-c stop'));
    expect(actions.calls).toEqual(['resume']);
  });

  it('goes back to the fleet with the message when an action throws', async () => {
    const { scripted } = await import('./runs.fixtures.js');
    const planRun = scripted();
    const recorded = createActions([planRun]);
    const actions = {
      ...recorded,
      apply: (stacks: string[]) => ({ ...recorded.apply(stacks), apply: () => { throw new Error('apply refused: mocked input'); } }),
    };
    const { frame, press } = renderApp(createFleet(), actions);
    await press('A');
    planRun.emit({ type: 'run.finished', runId: 'r', status: 'succeeded', summary: { total: 0, succeeded: 0, failed: 0, skipped: 0, unchanged: 0, changed: 0, denied: 0, awaitingApproval: 0, interrupted: 0, durationMs: 0 }, at: '2026-01-01T00:00:00Z' });
    await vi.waitFor(() => expect(frame()).toContain('y apply'));
    await press('y');
    await vi.waitFor(() => expect(frame()).toContain('apply refused: mocked input'));
    expect(frame()).toContain('STACK');
  });

  it('quits with q', async () => {
    let code: number | undefined;
    const app = render(<FleetApp fleet={createFleet()} actions={createActions()} clock={fixedClock} onQuit={(exitCode) => (code = exitCode)} />);
    app.stdin.write('q');
    await tick();
    expect(code).toBe(0);
  });
});
