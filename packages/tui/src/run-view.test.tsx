import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunEvent } from '@stackfleet/core';
import { KeyRouter } from './key-router.js';
import { RunView } from './run-view.js';
import { ColorContext } from './theme.js';
import { clean, fixedClock, keys, tick } from './fleet.fixtures.js';
import { at, emitAll, runId, scripted, summarize } from './runs.fixtures.js';

afterEach(() => cleanup());

function renderRun(color = false) {
  const run = scripted();
  let exited = 0;
  let printed = '';
  const app = render(
    <ColorContext.Provider value={color}>
      <KeyRouter>
        <RunView run={run} rows={24} columns={80} clock={fixedClock} onExit={() => (exited += 1)} batchMs={1} tickMs={60_000} print={(text) => (printed += text)} />
      </KeyRouter>
    </ColorContext.Provider>,
  );
  const press = async (...inputs: string[]): Promise<void> => {
    for (const input of inputs) {
      app.stdin.write(input);
      await tick(40);
    }
  };
  // What a person sees: the lines printed above the live area, then the live area.
  const screen = (): string => clean(printed + (app.lastFrame() ?? ''));
  return { run, app, press, frame: () => clean(app.lastFrame()), screen, printed: () => printed, exited: () => exited };
}

const start: RunEvent = { type: 'run.started', runId, command: 'apply', stacks: ['network', 'db', 'app', 'smoke', 'dns'], concurrency: 2, at };

describe('live run view', () => {
  it('shows running stacks with step and elapsed, running and queued counts, and the log tail', async () => {
    const { run, frame } = renderRun();
    emitAll(run, [
      start,
      { type: 'stack.queued', runId, stack: 'network', at },
      { type: 'stack.queued', runId, stack: 'dns', at },
      { type: 'stack.started', runId, stack: 'network', at },
      { type: 'stack.step', runId, stack: 'network', step: 'apply', at },
      { type: 'stack.log', runId, stack: 'network', stream: 'stdout', line: 'aws_vpc.main: Creating...' },
      { type: 'stack.log', runId, stack: 'network', stream: 'stdout', line: 'password=*** (masked upstream)' },
    ]);
    // The whole batch is drawn (on a loaded machine one fixed tick was not always enough).
    await vi.waitFor(() => expect(frame()).toContain('password=*** (masked upstream)'));
    expect(frame()).toMatchInlineSnapshot(`
      "apply 0/5 ░░░░░░░░░░░░░░░░░░░░ 0% · 10s
      running 1/2 · queued 1
      ⠋ network    10s     apply
      ── log: network (2 lines) ──
      │ aws_vpc.main: Creating...
      │ password=*** (masked upstream)
      tab select · l log · ? help · ctrl-c stop"
    `);
  });

  it('prints finished, failed and skipped stacks once with duration and reason, then the summary', async () => {
    const { run, screen, printed, press, exited } = renderRun();
    emitAll(run, [
      start,
      { type: 'stack.started', runId, stack: 'network', at },
      { type: 'stack.finished', runId, stack: 'network', status: 'changed', durationMs: 12_300, changes: { create: 2, update: 0, delete: 0, replace: 0 } },
      { type: 'stack.started', runId, stack: 'db', at },
      { type: 'stack.finished', runId, stack: 'db', status: 'failed', durationMs: 3_100, exitCode: 1, reason: 'Error: quota exceeded' },
    ]);
    await tick();
    emitAll(run, [
      { type: 'stack.finished', runId, stack: 'app', status: 'skipped', durationMs: 0, reason: 'dependency db failed' },
      { type: 'stack.finished', runId, stack: 'smoke', status: 'skipped', durationMs: 0, reason: 'dependency app skipped' },
      { type: 'stack.finished', runId, stack: 'dns', status: 'unchanged', durationMs: 800 },
      { type: 'run.finished', runId, status: 'failed', summary: summarize({ total: 5, changed: 1, failed: 1, skipped: 2, unchanged: 1, durationMs: 16_200 }), at: '2026-01-01T12:00:06.200Z' },
    ]);
    await tick();
    await vi.waitFor(() => expect(screen()).toContain('q back to fleet'));
    // Printed once, in two batches: each finished stack appears exactly once.
    expect(printed().match(/network/g)).toHaveLength(1);
    expect(printed().split('\n')).toHaveLength(6);
    expect(screen()).toMatchInlineSnapshot(`
      "~ network    changed     12.3s   +2
      ✗ db         failed      3.1s    exit 1 · Error: quota exceeded
      ↷ app        skipped             dependency db failed
      ↷ smoke      skipped             dependency app skipped
      = dns        unchanged   800ms
      apply 5/5 ████████████████████ 100% · 16.2s
      running 0/2 · queued 0
      ── log: dns (0 lines) ──
      run failed in 16.2s · 1 changed · 1 unchanged · 1 failed · 2 skipped
      tab select · l log · ? help · q back to fleet"
    `);
    await press('q');
    expect(exited()).toBe(1);
  });

  it('marks the stacks policies spoke about, on their running and finished lines, and sums the decisions up with the approve command', async () => {
    const { run, frame, screen } = renderRun();
    const decide = (stack: string | undefined, effect: 'warn' | 'deny' | 'require_approval', rule: string, message: string): RunEvent => ({
      type: 'policy.evaluated',
      runId,
      ...(stack === undefined ? {} : { stack }),
      policy: 'guard',
      rule,
      effect,
      message,
      at,
    });
    emitAll(run, [
      { ...start, stacks: ['network', 'db', 'app'] },
      { type: 'stack.started', runId, stack: 'network', at },
      decide('network', 'warn', 'public', 'a public subnet'),
      { type: 'stack.step', runId, stack: 'network', step: 'apply', at },
    ]);
    await vi.waitFor(() => expect(frame()).toContain('apply · ⚠ 1 warning'));
    expect(frame()).toMatch(/^⠋ network +10s +apply · ⚠ 1 warning$/m);
    emitAll(run, [
      { type: 'stack.finished', runId, stack: 'network', status: 'changed', durationMs: 1_200, changes: { create: 2, update: 0, delete: 0, replace: 0 }, at },
      { type: 'stack.started', runId, stack: 'db', at },
      decide('db', 'require_approval', 'dba', 'db changes need a DBA'),
      decide('db', 'warn', 'size', 'big'),
      { type: 'stack.finished', runId, stack: 'db', status: 'awaiting_approval', durationMs: 300, reason: 'awaiting approval: db changes need a DBA', at },
      { type: 'stack.started', runId, stack: 'app', at },
      // A message is untrusted text: one line, no escape sequences.
      decide('app', 'deny', 'no', 'no\nFAKE \u001b[31mred'),
      { type: 'stack.finished', runId, stack: 'app', status: 'denied', durationMs: 200, reason: 'denied by policy: no\nFAKE \u001b[31mred', at },
      decide(undefined, 'warn', 'run-size', 'a big run'),
      { type: 'run.finished', runId, status: 'denied', summary: summarize({ total: 3, changed: 1, denied: 1, awaitingApproval: 1, durationMs: 2_000 }), at: '2026-01-01T11:59:52.000Z' },
    ]);
    await vi.waitFor(() => expect(screen()).toContain('tab select · l log · ? help · q back to fleet'));
    expect(screen()).toMatchInlineSnapshot(`
      "~ network    changed     1.2s    +2 · ⚠ 1 warning
      ? db         awaiting    300ms   awaiting approval: db changes need a DBA · ⚠ …
      ⊘ app        denied      200ms   denied by policy: no⏎FAKE \\u001b[31mred
      apply 3/3 ████████████████████ 100% · 2s
      running 0/2 · queued 0
      ── log: app (1 lines) ──
      │ policy deny: no⏎FAKE \\u001b[31mred (guard/no)
      run denied in 2s · 1 changed · 1 denied · 1 awaiting approval
      policies: 3 warnings · 1 denial · 1 approval required
        run: warn: a big run (guard/run-size)
      approve: stackfleet approve run-1 [--stack GLOB] [--comment TEXT]
      then \`stackfleet resume run-1\` continues it
      tab select · l log · ? help · q back to fleet"
    `);
  });

  it('counts the stacks a resumed run kept as done, up to the final frame', async () => {
    const { run, screen } = renderRun();
    const kept = ['network', 'db', 'app', 'smoke'].map((stack) => ({ stack, status: 'succeeded' as const }));
    emitAll(run, [
      { ...start, alreadyDone: kept },
      { type: 'stack.queued', runId, stack: 'dns', at },
      { type: 'stack.started', runId, stack: 'dns', at },
    ]);
    await vi.waitFor(() => expect(screen()).toContain('running 1/2 · queued 0\n'));
    expect(screen()).toContain('apply 4/5');
    emitAll(run, [
      { type: 'stack.finished', runId, stack: 'dns', status: 'succeeded', durationMs: 800 },
      { type: 'run.finished', runId, status: 'succeeded', summary: summarize({ total: 5, succeeded: 5, durationMs: 900 }), at: '2026-01-01T12:00:00.900Z' },
    ]);
    await tick();
    await vi.waitFor(() => expect(screen()).toContain('q back to fleet'));
    expect(screen()).toContain('apply 5/5 ████████████████████ 100%');
    expect(screen()).toMatch(/✓ network +succeeded +done before the resume\n/);
    expect(screen()).toMatch(/✓ dns +succeeded +800ms\n/);
  });

  it('shows exactly the (already masked) log lines it was given, and the full log in the pager', async () => {
    const { run, frame, press } = renderRun();
    const lines = Array.from({ length: 60 }, (_, index) => `line ${index + 1} token=***`);
    emitAll(run, [
      start,
      { type: 'stack.started', runId, stack: 'network', at },
      ...lines.map((line): RunEvent => ({ type: 'stack.log', runId, stack: 'network', stream: 'stdout', line })),
    ]);
    await vi.waitFor(() => expect(frame()).toContain(`│ ${lines[lines.length - 1]}`));
    const pane = frame().split('\n').filter((line) => line.startsWith('│ '));
    expect(pane.length).toBeGreaterThan(0);
    expect(pane).toEqual(lines.slice(-pane.length).map((line) => `│ ${line}`));
    await press('l');
    await vi.waitFor(() => expect(frame()).toContain('log: network · lines 40-60 of 60 · following'));
    await press('g');
    await vi.waitFor(() => expect(frame()).toContain('lines 1-21 of 60'));
    await vi.waitFor(() => expect(frame()).toContain('line 1 token=***'));
    await press('q');
    await vi.waitFor(() => expect(frame()).toContain('── log: network (60 lines) ──'));
  });

  it('switches the log pane between stacks with tab', async () => {
    const { run, frame, press } = renderRun();
    emitAll(run, [
      start,
      { type: 'stack.started', runId, stack: 'network', at },
      { type: 'stack.started', runId, stack: 'dns', at },
      { type: 'stack.log', runId, stack: 'network', stream: 'stdout', line: 'from network' },
      { type: 'stack.log', runId, stack: 'dns', stream: 'stderr', line: 'from dns' },
    ]);
    await tick();
    await vi.waitFor(() => expect(frame()).toContain('│ from network'));
    await press(keys.tab);
    await vi.waitFor(() => expect(frame()).toContain('│ from dns'));
    await vi.waitFor(() => expect(frame()).not.toContain('│ from network'));
  });

  it('interrupts on ctrl-c, shows who it waits for, and forces on a second ctrl-c', async () => {
    const { run, frame, press } = renderRun();
    emitAll(run, [start, { type: 'stack.started', runId, stack: 'network', at }]);
    await tick();
    await press(keys.ctrlC);
    expect(run.interrupts).toBe(1);
    await vi.waitFor(() => expect(frame()).toContain('stopping…'));
    emitAll(run, [{ type: 'run.interrupting', runId, waitingFor: ['network', 'db', 'dns'], at }]);
    await tick();
    await vi.waitFor(() => expect(frame()).toContain('stopping… waiting for 3 stacks (network, db, dns) · ctrl-c again to kill'));
    await press('q');
    await vi.waitFor(() => expect(frame()).toContain('stopping… waiting for 3 stacks'));
    await press(keys.ctrlC);
    expect(run.interrupts).toBe(2);
    await vi.waitFor(() => expect(frame()).toContain('force stopping…'));
  });

  it('draws the final frame as soon as the run settles, however long the batch, and says how to resume an interrupted run', async () => {
    const run = scripted();
    const app = render(
      <ColorContext.Provider value={false}>
        <KeyRouter>
          <RunView run={run} rows={24} columns={80} clock={fixedClock} onExit={() => undefined} batchMs={60_000} tickMs={60_000} print={() => undefined} />
        </KeyRouter>
      </ColorContext.Provider>,
    );
    const summary = summarize({ total: 2, interrupted: 1, skipped: 1, durationMs: 1_000 });
    emitAll(run, [
      { ...start, stacks: ['network', 'app'] },
      { type: 'stack.started', runId, stack: 'network', at },
      { type: 'stack.finished', runId, stack: 'network', status: 'interrupted', durationMs: 1_000, reason: 'apply was interrupted', at },
      { type: 'stack.finished', runId, stack: 'app', status: 'skipped', durationMs: 0, reason: 'run interrupted', at },
      { type: 'run.finished', runId, status: 'interrupted', summary, at },
    ]);
    run.finish(summary);
    // Without the flush on settle the frame would wait a whole batch (a minute here).
    await vi.waitFor(() => expect(clean(app.lastFrame())).toContain('run interrupted in 1s · 1 skipped · 1 interrupted'), { timeout: 2_000 });
    expect(clean(app.lastFrame())).toContain(`\`stackfleet resume ${runId}\` continues it`);
  });

  it('shows an error when the run itself fails and lets the user leave', async () => {
    const { run, frame, press, exited } = renderRun();
    emitAll(run, [start]);
    run.fail(new Error('state store is locked'));
    await tick();
    await vi.waitFor(() => expect(frame()).toContain('run failed: state store is locked'));
    await press('q');
    expect(exited()).toBe(1);
  });

  it('drops colours when color is false', async () => {
    const colored = renderRun(true);
    const plain = renderRun(false);
    for (const { run } of [colored, plain]) {
      emitAll(run, [start, { type: 'stack.started', runId, stack: 'db', at }, { type: 'stack.finished', runId, stack: 'network', status: 'failed', durationMs: 5 }]);
    }
    // Wait for both views to print the finished stack (on a loaded machine one tick is not always enough).
    await vi.waitFor(() => expect([colored.printed(), plain.printed()].every((text) => text.includes('network'))).toBe(true));
    const sgrColor = /\u001B\[3[0-9]m/;
    expect(colored.app.lastFrame()).toMatch(sgrColor);
    expect(colored.printed()).toMatch(sgrColor);
    expect(plain.app.lastFrame()).not.toMatch(sgrColor);
    expect(plain.printed()).not.toMatch(sgrColor);
    expect(plain.printed()).toContain('✗ network');
  });

  it('keeps the live area under 24 lines however many stacks run and log', async () => {
    const { run, frame } = renderRun();
    const names = Array.from({ length: 40 }, (_, index) => `stack-${index}`);
    emitAll(run, [
      { ...start, stacks: names, concurrency: 40 },
      ...names.map((stack): RunEvent => ({ type: 'stack.started', runId, stack, at })),
      ...Array.from({ length: 100 }, (_, index): RunEvent => ({ type: 'stack.log', runId, stack: 'stack-0', stream: 'stdout', line: `log ${index}` })),
    ]);
    await vi.waitFor(() => expect(frame()).toContain('running 40/40'));
    expect(frame().split('\n').length).toBeLessThan(24);
    expect(frame()).toContain('more running');
    expect(frame()).toContain('│ log 99');
  });
});
