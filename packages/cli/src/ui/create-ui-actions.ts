import { buildRunPlan, type RunCommand, type Store } from '@stackfleet/core';
import type { RunHandle, UiActions } from '@stackfleet/tui';
import { readExpectedDurations } from './read-expected-durations.js';
import type { CommandContext } from '../command-context.js';
import { executeRun, resolveConcurrency } from '../commands/execute-run.js';
import { sweepDrift } from '../drift/sweep-drift.js';
import type { Fleet } from '../manifest/read-manifest.js';
import type { CallerPresentation } from '../output/choose-reporters.js';
import { createInterrupts } from '../runtime/interrupts.js';
import { createRunHandle } from './create-run-handle.js';
import { buildFleetInfo } from './build-fleet-info.js';
import { loadStackDetails } from './load-stack-details.js';
import { prepareResume } from '../commands/prepare-resume.js';
import { describeNothingToResume } from '../commands/resume.js';
import { startUiApply } from './start-ui-apply.js';

/**
 * The UI's actions go through the same code as the CLI commands (executeRun,
 * the drift sweep, resume); only the rendering differs: the UI is the run's
 * caller-supplied listener instead of a reporter, and Ctrl-C arrives as a
 * key, not a signal.
 */
export function createUiActions(context: CommandContext, fleet: Fleet, store: Store): UiActions {
  // Nothing may write to the terminal behind ink's back.
  const quietContext: CommandContext = { ...context, global: { ...context.global, json: false }, note: () => undefined };

  const planFor = (command: RunCommand, stacks: string[]) => {
    const order = fleet.graph.topologicalOrder(stacks);
    return buildRunPlan(
      fleet.graph,
      { stacks: order, reasons: new Map(order.map((name) => [name, 'selected in the UI'])), onlyAsDependent: new Set() },
      {
        command,
        concurrency: resolveConcurrency(context, fleet),
        limits: fleet.loaded.manifest.settings.limits,
        failFast: Boolean(context.global.failFast),
      },
    );
  };

  // The run starts at once; the ETA's history arrives a moment later (a promise the handle does not wait on).
  const plan = (stacks: string[]) =>
    withHistory(
      startUiRun((caller) => executeRun(quietContext, { fleet, plan: planFor('plan', stacks), flags: { stack: stacks }, caller })),
      stacks,
    );
  const withHistory = (handle: RunHandle, stacks: string[]): RunHandle => {
    const expected = new Map<string, number>();
    void readExpectedDurations(store, stacks).then((durations) => durations.forEach((value, key) => expected.set(key, value)));
    return { ...handle, expectedDurations: expected };
  };

  return {
    plan,
    apply(stacks) {
      // Not interactive (`ci`): the confirm screen is the apply's only question, never a readline prompt behind ink.
      const applyContext: CommandContext = { ...quietContext, global: { ...quietContext.global, ci: true } };
      const started = (run: (caller: CallerPresentation) => Promise<unknown>) => withHistory(startUiRun(run), stacks);
      return startUiApply(applyContext, fleet, planFor('apply', stacks), stacks, started);
    },
    drift: (stacks) =>
      withHistory(
        startUiRun((caller) => sweepDrift(quietContext, { fleet, plan: planFor('drift', stacks), flags: { stack: stacks }, caller })),
        stacks,
      ),
    async resume() {
      const prepared = await prepareResume(quietContext, fleet, undefined, false);
      if (!prepared) return { nothing: await describeNothingToResume(fleet, context.io.env) };
      return startUiRun((caller) => executeRun(quietContext, { ...prepared, caller }));
    },
    async unlock(stack) {
      await store.forceUnlock(stack);
    },
    loadDetails: (stack) => loadStackDetails(fleet, store, stack, context.io.env),
    addDependents(stacks) {
      const all = new Set([...stacks, ...fleet.graph.collectDependents(stacks).keys()]);
      return fleet.graph.topologicalOrder(all);
    },
    reloadFleet: () => buildFleetInfo(fleet, store),
  };
}

/** Starts a run shown by the UI: its events feed a RunHandle, its Ctrl-C is the UI's key. */
function startUiRun(run: (caller: CallerPresentation) => Promise<unknown>): RunHandle {
  const interrupts = createInterrupts();
  const live = createRunHandle(interrupts);
  live.follow(run({ listeners: [live.listener], interrupts }));
  return live.handle;
}
