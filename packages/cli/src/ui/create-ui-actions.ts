import { buildRunPlan, type RunCommand, type RunEvent, type RunSummary, type Store } from '@stackfleet/core';
import type { RunHandle, UiActions } from '@stackfleet/tui';
import type { CommandContext } from '../command-context.js';
import { executeRun, resolveConcurrency, type ExecuteOptions } from '../commands/execute-run.js';
import { runDriftSweep } from '../drift/run-drift-sweep.js';
import type { Fleet } from '../manifest/read-manifest.js';
import { createInterrupts, type Interrupts } from '../runtime/interrupts.js';
import { buildFleetInfo } from './build-fleet-info.js';
import { loadStackDetails } from './load-stack-details.js';
import { prepareResume } from '../commands/prepare-resume.js';

type RunHooks = Required<Pick<ExecuteOptions, 'quiet' | 'interrupts' | 'onEvent'>>;

/**
 * The UI's actions go through the same code as the CLI commands (executeRun,
 * the drift sweep, resume); only the rendering differs: events go to the UI
 * instead of a reporter, and Ctrl-C arrives as a key, not a signal.
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

  const runCommand = (command: 'plan' | 'apply') => (stacks: string[]) =>
    startRun((hooks) =>
      executeRun(quietContext, { fleet, plan: planFor(command, stacks), flags: { stack: stacks, autoApprove: true }, ...hooks }),
    );

  return {
    plan: runCommand('plan'),
    apply: runCommand('apply'),
    drift: (stacks) =>
      startRun((hooks) => runDriftSweep(quietContext, { fleet, plan: planFor('drift', stacks), flags: { stack: stacks }, execution: hooks })),
    resume() {
      let prepared: Awaited<ReturnType<typeof prepareResume>> | undefined;
      return startRun(async (hooks) => {
        prepared ??= await prepareResume(quietContext, fleet, undefined, false);
        if (!prepared) throw new Error('nothing to resume: no interrupted run');
        return executeRun(quietContext, { ...prepared, ...hooks });
      });
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

/** Wraps one run as the UI's RunHandle: replayed events, interrupt, the summary when done. */
function startRun(start: (hooks: RunHooks) => Promise<unknown>): RunHandle {
  const events: RunEvent[] = [];
  const listeners = new Set<(event: RunEvent) => void>();
  const interrupts: Interrupts = createInterrupts();
  let summary: RunSummary | undefined;
  const done = start({
    quiet: true,
    interrupts,
    onEvent: (event) => {
      events.push(event);
      if (event.type === 'run.finished') summary = event.summary;
      for (const listener of listeners) listener(event);
    },
  }).then(() => summary ?? { total: 0, succeeded: 0, failed: 0, skipped: 0, unchanged: 0, changed: 0, denied: 0, durationMs: 0 });
  return {
    subscribe(listener) {
      for (const event of events) listener(event);
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    interrupt: () => interrupts.interrupt(),
    done,
  };
}
