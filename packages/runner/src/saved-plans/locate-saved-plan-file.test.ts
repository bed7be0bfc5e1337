import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { savedPlanFile, type SavedPlanRecord } from '@stackfleet/core';
import { createTempDir, MemoryStore, type TempDir } from '@stackfleet/test-utils';
import { digestPlanFile } from './fingerprint-stack.js';
import { locateSavedPlanFile } from './locate-saved-plan-file.js';

const bytes = Buffer.from('a terraform plan with password=hunter2');

describe('locateSavedPlanFile', () => {
  let planner: TempDir;
  let applier: TempDir;
  let store: MemoryStore;
  let saved: SavedPlanRecord;
  beforeEach(async () => {
    planner = await createTempDir('stackfleet-planner-');
    applier = await createTempDir('stackfleet-applier-');
    store = new MemoryStore();
    saved = {
      runId: 'plan-1', stack: 'db', runner: 'terraform', hasChanges: true, planFile: savedPlanFile(planner.path, 'plan-1', 'db'),
      planFileDigest: digestPlanFile('5a17', bytes), repo: '', repoSha: '', salt: '5a17', digests: {}, createdAt: '2030-01-01T00:00:00.000Z',
    };
    await store.putSavedPlan(saved, bytes);
  });
  afterEach(async () => {
    await planner.cleanup();
    await applier.cleanup();
  });

  it('uses the file where the plan saved it (from another checkout when that is not under this state dir)', async () => {
    await mkdir(dirname(saved.planFile!), { recursive: true });
    await writeFile(saved.planFile!, bytes);
    expect(await locateSavedPlanFile({ store, stateDir: planner.path, saved })).toEqual({ path: saved.planFile, fromOtherCheckout: false });
    expect(await locateSavedPlanFile({ store, stateDir: applier.path, saved })).toEqual({ path: saved.planFile, fromOtherCheckout: true });
  });

  it("restores the store's copy on another machine: into its own state dir, 0600 in a 0700 directory", async () => {
    const path = join(applier.path, 'runs', 'plan-1', 'plans', 'db.tfplan');
    expect(await locateSavedPlanFile({ store, stateDir: applier.path, saved })).toEqual({ path, fromOtherCheckout: true });
    expect(await readFile(path)).toEqual(bytes);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(dirname(path))).mode & 0o777).toBe(0o700);
  });

  it('refuses a file whose bytes are not the ones saved, here or in the store', async () => {
    await store.putSavedPlan(saved, Buffer.from('another plan'));
    await expect(locateSavedPlanFile({ store, stateDir: applier.path, saved })).rejects.toMatchObject({
      code: 'E_STATE_CORRUPT',
      message: 'the plan file of db from run plan-1 (the copy in the store) is not the one that was saved: its digest differs',
    });
    await mkdir(dirname(saved.planFile!), { recursive: true });
    await writeFile(saved.planFile!, 'edited');
    await expect(locateSavedPlanFile({ store, stateDir: applier.path, saved })).rejects.toMatchObject({ code: 'E_STATE_CORRUPT' });
  });

  it('says the plan is gone when neither this machine nor the store has it; a plan without a file needs none', async () => {
    await store.putSavedPlan(saved);
    await expect(locateSavedPlanFile({ store, stateDir: applier.path, saved })).rejects.toMatchObject({
      code: 'E_SAVED_PLAN_MISSING',
      message: `the plan file of db from run plan-1 is gone (${saved.planFile}) and the store keeps no copy; plan again with \`stackfleet plan --save\``,
    });
    expect(await locateSavedPlanFile({ store, stateDir: applier.path, saved: { ...saved, planFile: undefined } })).toBeUndefined();
  });
});
