import type { RunEvent, RunStatus, StackRunState } from '@stackfleet/core';
import { openSqliteStore, type SqliteStore } from '@stackfleet/state';
import type { RunLiveUiOptions } from '@stackfleet/tui';
import { createTempDir, type TempDir } from '@stackfleet/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { createInterrupts } from '../runtime/interrupts.js';
import { readExpectedDurations } from './read-expected-durations.js';
import { startLiveView } from './start-live-view.js';

let temp: TempDir | undefined;
let store: SqliteStore | undefined;
afterEach(async () => {
  await store?.close();
  await temp?.cleanup();
  store = undefined;
  temp = undefined;
});

/** A real store where each stack ran once per duration given, a minute apart. */
async function openStoreWithHistory(history: Record<string, number[]>): Promise<SqliteStore> {
  temp = await createTempDir();
  store = openSqliteStore({ stateDir: temp.path, env: {} });
  let minute = 0;
  for (const [stack, durations] of Object.entries(history)) {
    for (const durationMs of durations) {
      minute += 1;
      const id = `r${minute}`;
      const at = `2026-01-01T00:${String(minute).padStart(2, '0')}:00.000Z`;
      const status: RunStatus = 'succeeded';
      const state: StackRunState = 'succeeded';
      await store.createRun({ id, command: 'apply', selection: {}, stacks: [stack], startedBy: 'me@host', host: 'host', pid: 1, repoShas: {}, manifestPath: 'stacks.yaml', startedAt: at, status });
      await store.putStackRun({ runId: id, stack, state, attempt: 1, startedAt: at, finishedAt: at, durationMs });
    }
  }
  return store;
}

function defer<T = void>(): { promise: Promise<T>; resolve(value: T): void; reject(error: unknown): void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  return { promise, resolve, reject };
}

const at = '2026-01-01T01:00:00.000Z';
const summary = { total: 2, succeeded: 2, failed: 0, skipped: 0, unchanged: 0, changed: 0, denied: 0, awaitingApproval: 0, interrupted: 0, durationMs: 5 };
const events: RunEvent[] = [
  { type: 'run.started', runId: 'now', command: 'apply', stacks: ['a', 'b'], concurrency: 2, at },
  { type: 'stack.started', runId: 'now', stack: 'a', at },
  { type: 'stack.finished', runId: 'now', stack: 'a', status: 'succeeded', durationMs: 3, at },
  { type: 'stack.started', runId: 'now', stack: 'b', at },
  { type: 'stack.finished', runId: 'now', stack: 'b', status: 'succeeded', durationMs: 4, at },
  { type: 'run.finished', runId: 'now', status: 'succeeded', summary, at },
];

describe('startLiveView', () => {
  it('lets the run go before the UI has loaded: the view gets every event in order once it is up, and the ETA history from the store', async () => {
    const history = await openStoreWithHistory({ a: [100, 300, 200], b: [50] });
    // The run being shown is in the store too: its own rows are not history.
    await history.createRun({ id: 'now', command: 'apply', selection: {}, stacks: ['a', 'b'], startedBy: 'me@host', host: 'host', pid: 1, repoShas: {}, manifestPath: 'stacks.yaml', startedAt: at, status: 'running' });
    await history.putStackRun({ runId: 'now', stack: 'a', state: 'succeeded', attempt: 1, startedAt: at, finishedAt: at, durationMs: 9999 });
    const loaded = defer<{ runLiveRunUi(options: RunLiveUiOptions): Promise<void> }>();
    const seen: string[] = [];
    let expected: ReadonlyMap<string, number> | undefined;
    const view = startLiveView({ store: history, stacks: ['a', 'b'], interrupts: createInterrupts(), ui: { color: false }, loadUi: () => loaded.promise });
    const run = defer();
    // The run starts and half of it is over while the UI is still loading.
    for (const event of events.slice(0, 3)) view.listener(event);
    const shown = view.show(run.promise);
    for (const event of events.slice(3)) view.listener(event);
    loaded.resolve({
      async runLiveRunUi(options) {
        options.run.subscribe((event) => seen.push(`${event.type}${'stack' in event ? ` ${event.stack}` : ''}`));
        await options.run.done;
        expected = options.run.expectedDurations;
      },
    });
    run.resolve();
    await shown;
    expect(seen).toEqual(['run.started', 'stack.started a', 'stack.finished a', 'stack.started b', 'stack.finished b', 'run.finished']);
    expect(Object.fromEntries(expected ?? [])).toEqual({ a: 200, b: 50 });
  });

  it("reads no stack's history on a fleet's first run", async () => {
    const empty = await openStoreWithHistory({});
    await empty.createRun({ id: 'now', command: 'apply', selection: {}, stacks: ['a', 'b'], startedBy: 'me@host', host: 'host', pid: 1, repoShas: {}, manifestPath: 'stacks.yaml', startedAt: at, status: 'running' });
    let queries = 0;
    const counted = Object.assign(Object.create(empty) as SqliteStore, {
      listStackHistory: (stack: string, limit?: number) => {
        queries += 1;
        return empty.listStackHistory(stack, limit);
      },
    });
    let expected: ReadonlyMap<string, number> | undefined;
    const view = startLiveView({
      store: counted,
      stacks: ['a', 'b'],
      interrupts: createInterrupts(),
      ui: { color: false },
      loadUi: async () => ({
        async runLiveRunUi(options) {
          await options.run.done;
          expected = options.run.expectedDurations;
        },
      }),
    });
    for (const event of events) view.listener(event);
    await view.show(Promise.resolve());
    expect({ queries, expected: expected?.size }).toEqual({ queries: 0, expected: 0 });
  });

  it('does not return while the run still runs when the UI fails to load, then reports the failure', async () => {
    const history = await openStoreWithHistory({});
    const view = startLiveView({ store: history, stacks: ['a'], interrupts: createInterrupts(), ui: { color: false }, loadUi: () => Promise.reject(new Error('no ink here')) });
    view.listener(events[0]!);
    const run = defer();
    let settled = false;
    const shown = view.show(run.promise).finally(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toBe(false);
    run.resolve();
    await expect(shown).rejects.toThrow('no ink here');
  });
});

describe('readExpectedDurations', () => {
  it('reads the same medians in slices, letting the event loop run between them, and leaves out the rows of a run', async () => {
    const history = await openStoreWithHistory({ a: [100, 300, 200], b: [50], c: [7, 9] });
    const stacks = ['a', 'b', 'c', 'never-ran'];
    expect(Object.fromEntries(await readExpectedDurations(history, stacks))).toEqual({ a: 200, b: 50, c: 9 });
    expect(Object.fromEntries(await readExpectedDurations(history, stacks, { excludeRunId: 'r6' }))).toEqual({ a: 200, b: 50, c: 7 });
    let turned = false;
    setImmediate(() => (turned = true));
    const sliced = readExpectedDurations(history, stacks, { yieldEvery: 2 }).then((durations) => ({ durations: Object.fromEntries(durations), turned }));
    expect(await sliced).toEqual({ durations: { a: 200, b: 50, c: 9 }, turned: true });
  });
});
