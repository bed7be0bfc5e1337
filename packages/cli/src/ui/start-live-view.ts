import type { RunEventListener, Store } from '@stackfleet/core';
import type { RunLiveUiOptions } from '@stackfleet/tui';
import type { Interrupts } from '../runtime/interrupts.js';
import { createRunHandle } from './create-run-handle.js';
import { readExpectedDurations } from './read-expected-durations.js';

/** What the live view needs of the UI package (a parameter so that tests can stand in for a UI that fails to load). */
export type LoadLiveUi = () => Promise<{ runLiveRunUi(options: RunLiveUiOptions): Promise<void> }>;

export interface LiveViewOptions {
  store: Store;
  /** The run's stacks, for the ETA's history. */
  stacks: readonly string[];
  interrupts: Interrupts;
  /** Colour, terminal streams: as `runLiveRunUi` takes them. */
  ui: Omit<RunLiveUiOptions, 'run'>;
  /** @default import('@stackfleet/tui') */
  loadUi?: LoadLiveUi;
}

export interface LiveView {
  /** Attach to the run: its events are kept and replayed to the view once it is up. */
  listener: RunEventListener;
  /** Shows the run until it settles and the view has left; never returns while `run` still runs. */
  show(run: Promise<unknown>): Promise<void>;
}

/**
 * The ink live run view of one run, set up so that the run starts at once.
 *
 * Why (issue #17): loading the UI (React, ink, Yoga: ~0.15–0.25 s of CPU
 * here) and reading the ETA's history (one store query per stack, ~50 ms for
 * 2,000 stacks) used to happen before the first stack started, time a
 * headless run does not spend. Now the UI loads while the run runs (its
 * events are kept by the run handle and replayed when the view subscribes),
 * and the history is read once the run has started, in slices between the
 * run's own work; the ETA uses it from the first frame after it arrived, as
 * the fleet UI's runs do.
 */
export function startLiveView(options: LiveViewOptions): LiveView {
  const loading = (options.loadUi ?? loadLiveUi)();
  // Observed in show(); until then a failed load must not count as unhandled.
  loading.catch(() => undefined);
  const expected = new Map<string, number>();
  const live = createRunHandle(options.interrupts, expected);
  let history: Promise<void> | undefined;
  return {
    listener(event) {
      live.listener(event);
      if (event.type !== 'run.started' || history !== undefined) return;
      const runId = event.runId;
      history = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => readEarlierDurations(options.store, options.stacks, runId))
        .then(
          (durations) => durations.forEach((value, key) => expected.set(key, value)),
          // The ETA then falls back to this run's own durations.
          () => undefined,
        );
    },
    async show(run) {
      live.follow(run);
      let ui: Awaited<ReturnType<LoadLiveUi>>;
      try {
        ui = await loading;
      } catch (error) {
        // The run is already going: the store and the process stay until it is over.
        await Promise.allSettled([run, history]);
        throw error;
      }
      await ui.runLiveRunUi({ ...options.ui, run: live.handle });
      // The store is closed after this returns; no query of ours may still be queued.
      await history;
    },
  };
}

/**
 * The ETA's history once the run has started, without the run's own rows.
 * A fleet's first run has none: one query for the runs instead of one per
 * stack (where the store can list them cheaply).
 */
async function readEarlierDurations(store: Store, stacks: readonly string[], runId: string): Promise<Map<string, number>> {
  const runs = await store.listRunHeaders?.();
  if (runs !== undefined && runs.every((run) => run.id === runId)) return new Map();
  return readExpectedDurations(store, stacks, { yieldEvery: HISTORY_SLICE, excludeRunId: runId });
}

/** Stacks whose history is read between two turns of the event loop (~2–3 ms of queries). */
const HISTORY_SLICE = 100;

const loadLiveUi: LoadLiveUi = () => import('@stackfleet/tui');
