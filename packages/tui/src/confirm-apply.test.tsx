import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunEvent } from '@stackfleet/core';
import { FleetApp } from './fleet-app.js';
import { clean, createActions, createFleet, fixedClock, tick } from './fleet.fixtures.js';
import { at, emitAll, runId, scripted, summarize } from './runs.fixtures.js';

afterEach(() => cleanup());

const planEvents: RunEvent[] = [
  { type: 'run.started', runId, command: 'plan', stacks: ['network', 'db', 'app'], concurrency: 2, at },
  { type: 'stack.started', runId, stack: 'network', at },
  { type: 'stack.planned', runId, stack: 'network', hasChanges: true, changes: { create: 2, update: 1, delete: 0, replace: 0 } },
  { type: 'stack.finished', runId, stack: 'network', status: 'changed', durationMs: 900 },
  { type: 'stack.started', runId, stack: 'db', at },
  { type: 'stack.planned', runId, stack: 'db', hasChanges: true, changes: { create: 0, update: 0, delete: 1, replace: 1 } },
  { type: 'stack.finished', runId, stack: 'db', status: 'changed', durationMs: 700 },
];

function renderApp() {
  const planRun = scripted();
  const applyRun = scripted();
  const fleetAfter = createFleet().map((stack) => ({ ...stack, lastStatus: 'succeeded' as const }));
  const actions = { ...createActions([planRun, applyRun]), reloadFleet: vi.fn(async () => fleetAfter) };
  const app = render(<FleetApp fleet={createFleet()} actions={actions} clock={fixedClock} color={false} batchMs={1} tickMs={60_000} />);
  const press = async (...inputs: string[]): Promise<void> => {
    for (const input of inputs) {
      app.stdin.write(input);
      await tick(5);
    }
  };
  // ink-testing-library keeps lines printed above the live area as frames of their own.
  const everything = (): string => clean(app.frames.join('\n'));
  return { app, actions, planRun, applyRun, press, everything, frame: () => clean(app.lastFrame()) };
}

describe('apply confirmation', () => {
  it('plans first, shows the summary per stack and the total, then applies on y', async () => {
    const { actions, planRun, applyRun, press, frame, everything } = renderApp();
    await press('/', 'n', 'e', 't', '\r', ' ', '\u001B', 'a');
    await vi.waitFor(() => expect(frame()).toContain('3 selected'));
    await press('A');
    emitAll(planRun, planEvents);
    await vi.waitFor(() => expect(frame()).toContain('planning… 2/3'));
    // y before the plan finished does nothing.
    await press('y');
    expect(actions.calls).toEqual(['dependents network', 'plan app,network,smoke']);
    emitAll(planRun, [
      { type: 'stack.finished', runId, stack: 'app', status: 'failed', durationMs: 100, reason: 'plan exited 1' },
      { type: 'run.finished', runId, status: 'failed', summary: summarize({ total: 3 }), at },
    ]);
    await vi.waitFor(() => expect(frame()).toContain('y apply'));
    expect(frame()).toMatchInlineSnapshot(`
      "Apply 3 stacks?
      plan finished
      ~ network                                  +2 ~1
      ~ db                                       -1 ±1
      ✗ app                                      failed: plan exited 1
      total +2 ~1 -1 ±1 · 1 failed to plan
      y apply · n cancel"
    `);
    await press('y');
    expect(actions.calls.at(-1)).toBe('apply app,network,smoke');
    emitAll(applyRun, [
      { type: 'run.started', runId: 'run-2', command: 'apply', stacks: ['network'], concurrency: 2, at },
      { type: 'stack.finished', runId: 'run-2', stack: 'network', status: 'changed', durationMs: 1000 },
      { type: 'run.finished', runId: 'run-2', status: 'succeeded', summary: summarize({ total: 1, changed: 1, durationMs: 1000 }), at },
    ]);
    await vi.waitFor(() => expect(everything()).toContain('q back to fleet'));
    expect(everything()).toContain('✓ network');
    await press('q');
    await vi.waitFor(() => expect(frame()).toContain('STACK'));
    expect(actions.reloadFleet).toHaveBeenCalledTimes(1);
  });

  it('cancels with n and interrupts a plan still running', async () => {
    const { actions, planRun, press, frame } = renderApp();
    await press('A');
    emitAll(planRun, planEvents.slice(0, 2));
    await vi.waitFor(() => expect(frame()).toContain('waiting for the plan'));
    await press('n');
    await vi.waitFor(() => expect(frame()).toContain('STACK'));
    expect(planRun.interrupts).toBe(1);
    expect(actions.calls).toEqual(['plan smoke']);
  });
});
