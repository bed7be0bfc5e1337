import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createStackGraph, type Manifest, type RunRecord } from '@stackfleet/core';
import { MemoryStore, createTempDir, type TempDir } from '@stackfleet/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { completedApplyFiles, legacyStackWorkDir, runWorkDir } from '@stackfleet/core';
import { prepareResumePlan, recoverRun } from './recover-run.js';

const temps: TempDir[] = [];
afterEach(async () => {
  await Promise.all(temps.splice(0).map((temp) => temp.cleanup()));
});

const record = (overrides: Partial<RunRecord> = {}): RunRecord => ({
  id: 'r1',
  command: 'apply',
  selection: {},
  stacks: ['network', 'app', 'smoke'],
  startedBy: 'me@here',
  host: 'here',
  pid: 999_999,
  repoShas: {},
  manifestPath: '/x/stacks.yaml',
  startedAt: '2026-01-01T00:00:00.000Z',
  status: 'interrupted',
  ...overrides,
});

/** A crashed apply: network finished, app's apply stored outputs before the crash, smoke's was in flight. */
async function createCrashedRun() {
  const temp = await createTempDir('sf-recover-');
  temps.push(temp);
  const store = new MemoryStore();
  await store.createRun(record());
  await store.putStackRun({ runId: 'r1', stack: 'network', state: 'succeeded', attempt: 1 });
  await store.putStackRun({ runId: 'r1', stack: 'app', state: 'applying', attempt: 1 });
  await store.putStackRun({ runId: 'r1', stack: 'smoke', state: 'applying', attempt: 1 });
  await store.setOutputs('app', { url: { value: 'https://app', sensitive: false } }, 'r1');
  await store.acquireLock('app', { host: 'here', pid: 999_999, runId: 'r1' }, 60_000, new Date());
  await store.acquireLock('smoke', { host: 'here', pid: 999_999, runId: 'r1' }, 60_000, new Date());
  return { store, stateDir: join(temp.path, '.stackfleet') };
}

/** What the gate and the command leave of smoke's apply in `work` when stackfleet dies before reading it. */
async function recordGateExit(work: string, status: string, outputs: string) {
  await mkdir(work, { recursive: true });
  const files = completedApplyFiles(work, 'smoke');
  await writeFile(files.exitFile, `${status}\n`);
  await writeFile(files.outputsFile, outputs);
  return files;
}

describe('recoverRun', () => {
  it('marks an apply that stored its outputs as succeeded and releases its dead lock, leaving the one in flight', async () => {
    const { store, stateDir } = await createCrashedRun();
    const recovered = await recoverRun(store, { stateDir, isHolderGone: () => true });
    expect(recovered?.run.id).toBe('r1');
    expect(recovered?.stackRuns.map((row) => [row.stack, row.state])).toEqual([
      ['network', 'succeeded'],
      ['app', 'succeeded'],
      ['smoke', 'applying'],
    ]);
    expect((await store.listStackRuns('r1')).find((row) => row.stack === 'app')).toMatchObject({
      state: 'succeeded',
      reason: 'apply completed before the run stopped (outputs were recorded)',
    });
    expect((await store.listLocks()).map((lock) => lock.stack)).toEqual(['smoke']);
  });

  it('keeps a live holder\'s lock, and with force releases the locks of stacks in flight', async () => {
    const { store, stateDir } = await createCrashedRun();
    await recoverRun(store, { stateDir, isHolderGone: () => false });
    expect((await store.listLocks()).map((lock) => lock.stack).sort()).toEqual(['app', 'smoke']);
    await recoverRun(store, { runId: 'r1', force: true, stateDir, isHolderGone: () => false });
    expect((await store.listLocks()).map((lock) => lock.stack)).toEqual(['app']);
  });

  it('takes an apply whose exit status the gate recorded as done, storing its outputs file (also where earlier versions kept them)', async () => {
    for (const layout of [runWorkDir, (state: string, run: string) => legacyStackWorkDir(state, run, 'smoke')]) {
      const { store, stateDir } = await createCrashedRun();
      const files = await recordGateExit(layout(stateDir, 'r1'), '0', '{"ok": true}');
      const recovered = await recoverRun(store, { stateDir, isHolderGone: () => true });
      expect(recovered?.stackRuns.find((row) => row.stack === 'smoke')).toMatchObject({ state: 'succeeded', reason: 'apply completed before the run stopped (exit status recorded)' });
      expect((await store.getOutputs('smoke'))?.outputs).toEqual({ ok: { value: true, sensitive: true } });
      expect(existsSync(files.outputsFile)).toBe(false);
    }
  });

  it('leaves an apply whose recorded exit status is not 0 to be run again', async () => {
    const { store, stateDir } = await createCrashedRun();
    await recordGateExit(runWorkDir(stateDir, 'r1'), '1', '{"ok": true}');
    const recovered = await recoverRun(store, { stateDir, isHolderGone: () => true });
    expect(recovered?.stackRuns.find((row) => row.stack === 'smoke')).toMatchObject({ state: 'applying' });
    expect(await store.getOutputs('smoke')).toBeUndefined();
  });

  it('stores the recovered outputs sealed, since the secrets they may carry are not known yet, and removes the clear-text file', async () => {
    const { store, stateDir } = await createCrashedRun();
    const files = await recordGateExit(runWorkDir(stateDir, 'r1'), '0', '{"dsn": "postgres://app:s3cret-from-env@db/app", "port": 5432}');
    await recoverRun(store, { stateDir, isHolderGone: () => true });
    expect((await store.getOutputs('smoke'))?.outputs).toEqual({
      dsn: { value: 'postgres://app:s3cret-from-env@db/app', sensitive: true },
      port: { value: 5432, sensitive: true },
    });
    expect(existsSync(files.outputsFile)).toBe(false);
  });

  it('says when there is nothing to resume, an unknown run, or a finished one', async () => {
    const store = new MemoryStore();
    expect(await recoverRun(store, { stateDir: '/nowhere', isHolderGone: () => true })).toBeUndefined();
    await expect(recoverRun(store, { runId: 'nope', stateDir: '/nowhere', isHolderGone: () => true })).rejects.toMatchObject({ code: 'E_UNKNOWN_RUN' });
    await store.createRun(record({ status: 'succeeded' }));
    await expect(recoverRun(store, { runId: 'r1', stateDir: '/nowhere', isHolderGone: () => true })).rejects.toMatchObject({ code: 'E_RUN_FINISHED' });
  });
});

describe('prepareResumePlan', () => {
  it('recovers the run, then plans what is left', async () => {
    const { store, stateDir } = await createCrashedRun();
    const graph = createStackGraph(['network', 'app', 'smoke'], []);
    const manifest = { stacks: { network: { labels: [] }, app: { labels: [] }, smoke: { labels: [] } } } as unknown as Manifest;
    const resumed = await prepareResumePlan(store, { graph, manifest }, { stateDir, isHolderGone: () => true, plan: { concurrency: 1, limits: {}, failFast: false } });
    expect([...(resumed?.resume.alreadyDone.keys() ?? [])]).toEqual(['network', 'app']);
    expect([...(resumed?.resume.refreshOutputs ?? [])]).toEqual(['smoke']);
  });
});
