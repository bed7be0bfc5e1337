import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunEvent } from '@stackfleet/core';
import { FleetApp } from './fleet-app.js';
import { clean, createActions, createFleet, fixedClock, tick } from './fleet.fixtures.js';
import type { ApplyReview } from './types.js';
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

/** What the CLI's review of a plan run that policies judged says (plan-then-apply.ts). */
const reviewWithPolicies: ApplyReview = {
  lines: ['Policies deny (these stacks will not change):', '  app: no app changes on fridays (calendar/friday)', 'Run policies require approval of the whole run:', '  3 stacks change (size/sign-off)'],
  question: 'Approve and apply 2 stack(s) with changes?',
};

function renderApp(review: ApplyReview = reviewWithPolicies) {
  const planRun = scripted();
  const applyRun = scripted();
  const fleetAfter = createFleet().map((stack) => ({ ...stack, lastStatus: 'succeeded' as const }));
  const actions = { ...createActions([planRun, applyRun], undefined, review), reloadFleet: vi.fn(async () => fleetAfter) };
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
    expect(actions.calls).toEqual(['dependents network', 'plan to apply app,network,smoke']);
    emitAll(planRun, [
      { type: 'policy.evaluated', runId, stack: 'network', policy: 'tags', rule: 'owner', effect: 'warn', message: 'no owner tag', at },
      { type: 'stack.finished', runId, stack: 'app', status: 'denied', durationMs: 100, reason: 'no app changes on fridays' },
      { type: 'run.finished', runId, status: 'denied', summary: summarize({ total: 3 }), at },
    ]);
    await vi.waitFor(() => expect(frame()).toContain('y apply'));
    expect(frame()).toMatchInlineSnapshot(`
      "Apply 3 stacks?
      plan finished (run run-1)
      ~ network                                  +2 ~1
      ~ db                                       -1 ±1
      ⊘ app                                      denied: no app changes on fridays
      total +2 ~1 -1 ±1 · 1 denied by policies
      Policies warn: network: no owner tag (tags/owner)
      Policies deny (these stacks will not change):
        app: no app changes on fridays (calendar/friday)
      Run policies require approval of the whole run:
        3 stacks change (size/sign-off)
      Approve and apply 2 stack(s) with changes? y apply · n cancel"
    `);
    await press('y');
    expect(actions.calls.at(-1)).toBe('apply the plans of app,network,smoke');
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
    expect(actions.calls).toEqual(['plan to apply smoke']);
  });

  it('takes no y when nothing may be applied, and says why', async () => {
    const why = 'apply stopped: policies denied the plan (see `stackfleet show run-1`)';
    const { actions, planRun, press, frame } = renderApp({ lines: [], stopped: why });
    await press('A');
    emitAll(planRun, [
      ...planEvents.slice(0, 4),
      { type: 'policy.evaluated', runId, policy: 'size', rule: 'too-big', effect: 'deny', message: 'the run deletes 1 resource', at },
      { type: 'run.finished', runId, status: 'denied', summary: summarize({ total: 1 }), at },
    ]);
    await vi.waitFor(() => expect(frame()).toContain('apply stopped'));
    expect(frame()).toContain('Run policies deny: the run deletes 1 resource (size/too-big)');
    expect(frame()).not.toContain('y apply');
    await press('y');
    await tick();
    // No apply was started: the screen stays until q.
    expect(actions.calls).toEqual(['plan to apply smoke']);
    await press('q');
    await vi.waitFor(() => expect(frame()).toContain('STACK'));
  });
});

describe('describeTotal', () => {
  it('counts command stacks that change something without counts, and says no changes only when nothing does', async () => {
    const { describeTotal } = await import('./confirm-apply.js');
    const none = { create: 0, update: 0, delete: 0, replace: 0 };
    expect(describeTotal(none, 0)).toBe('no changes');
    expect(describeTotal(none, 1)).toBe('1 stack with changes');
    expect(describeTotal({ ...none, create: 2 }, 3)).toBe('+2 · 3 stacks with changes');
  });
});
