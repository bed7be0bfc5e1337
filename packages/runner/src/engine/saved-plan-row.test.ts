import { parseManifest, type RunEvent, type RunPlan, type SavedPlanRecord } from '@stackfleet/core';
import { MemoryStore, createTempDir, type TempDir } from '@stackfleet/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { createCommandAdapter } from '../stack-runner/command-adapter.js';
import { runStacks } from './run-stacks.js';

const temps: TempDir[] = [];
afterEach(async () => {
  await Promise.all(temps.splice(0).map((temp) => temp.cleanup()));
});

/**
 * A store that commits calls made together as the embedded store does (each
 * call fails on its own, the others commit), and notes which saved plans were
 * written inside such a commit.
 */
class TogetherStore extends MemoryStore {
  readonly savedTogether: string[] = [];
  private together = false;
  failSavedPlans = false;

  async writeTogether(writes: () => ReadonlyArray<Promise<unknown>>): Promise<void> {
    this.together = true;
    let calls: ReadonlyArray<Promise<unknown>>;
    try {
      calls = writes();
    } finally {
      this.together = false;
    }
    const rejected = (await Promise.allSettled(calls)).find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (rejected) throw rejected.reason;
  }

  override async putSavedPlan(record: SavedPlanRecord, planFile?: Uint8Array): Promise<void> {
    if (this.failSavedPlans) throw new Error('cannot read the state key file');
    if (this.together) this.savedTogether.push(record.stack);
    return super.putSavedPlan(record, planFile);
  }
}

const stacks = [
  { name: 'net', needs: [], reason: 'selected' as const, onlyAsDependent: false },
  { name: 'app', needs: ['net'], reason: 'selected' as const, onlyAsDependent: false },
];
const planRun: RunPlan = { command: 'plan', stacks, concurrency: 1, limits: {}, failFast: false };

async function runSavingPlans(store: TogetherStore) {
  const temp = await createTempDir('sf-saved-row-');
  temps.push(temp);
  const { manifest } = parseManifest(
    'version: 1\nstacks:\n  net: { runner: command, path: ., commands: { plan: "exit 2", apply: "true" } }\n  app: { runner: command, path: ., dependsOn: [net], commands: { plan: "exit 2", apply: "true" } }\n',
    'stacks.yaml',
  );
  const events: RunEvent[] = [];
  const result = await runStacks(planRun, {
    runId: 'p1',
    manifest,
    manifestDir: temp.path,
    repoDirs: {},
    stateDir: `${temp.path}/.stackfleet`,
    env: { PATH: process.env.PATH },
    store,
    savePlans: true,
    adapters: { command: createCommandAdapter(), terraform: createCommandAdapter(), tofu: createCommandAdapter() },
    reporters: [{ onEvent: (event) => void events.push(event) }],
  });
  return { result, events };
}

describe('runStacks: a saved plan without a plan file is written with its stack\'s final row', () => {
  it('in the same commit', async () => {
    const store = new TogetherStore();
    const { result } = await runSavingPlans(store);
    expect(result.status).toBe('succeeded');
    expect(store.savedTogether).toEqual(['net', 'app']);
    expect((await store.listSavedPlans('p1')).map((saved) => [saved.stack, saved.hasChanges])).toEqual([
      ['app', true],
      ['net', true],
    ]);
    expect((await store.listStackRuns('p1')).map((row) => [row.stack, row.state])).toEqual([
      ['net', 'changed'],
      ['app', 'changed'],
    ]);
  }, 30_000);

  it('and a plan that could not be saved fails its stack visibly: row, event, result, dependents skipped', async () => {
    const store = new TogetherStore();
    store.failSavedPlans = true;
    const { result, events } = await runSavingPlans(store);
    const reason = 'its plan could not be saved: cannot read the state key file';
    expect(result.status).toBe('failed');
    expect(result.stacks.get('net')).toMatchObject({ status: 'failed', reason });
    expect(result.stacks.get('app')).toMatchObject({ status: 'skipped', reason: 'dependency net failed' });
    expect(await store.listSavedPlans('p1')).toEqual([]);
    expect((await store.listStackRuns('p1')).map((row) => [row.stack, row.state, row.reason])).toEqual([
      ['net', 'failed', reason],
      ['app', 'skipped', 'dependency net failed'],
    ]);
    const finished = events.filter((event) => event.type === 'stack.finished').map((event) => [event.stack, event.status]);
    expect(finished).toEqual([
      ['net', 'failed'],
      ['app', 'skipped'],
    ]);
  }, 30_000);
});
