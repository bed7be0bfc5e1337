import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunHeader } from '@stackfleet/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readGcMarker, writeGcMarker } from './gc-marker.js';
import { removeOldRuns } from './remove-old-runs.js';

let stateDir: string;
beforeEach(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'sf-gc-'));
});
afterEach(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

const minute = 60_000;
const now = new Date('2026-11-20T12:00:00Z');
const at = (minutesAgo: number): string => new Date(now.getTime() - minutesAgo * minute).toISOString();

/** A finished run whose stack left a plan file behind (a run cut short, then finished). */
async function finishedRun(id: string, minutesAgo: number, file = planFile(id)): Promise<RunHeader> {
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(file, 'secret');
  await writeFile(join(file, '..', 'app.apply.exit'), '0\n');
  return { id, status: 'succeeded', startedAt: at(minutesAgo + 1), finishedAt: at(minutesAgo), host: 'h', pid: 1 };
}

// One work directory per run; runs of earlier versions had one per stack in it.
const planFile = (id: string): string => join(stateDir, 'runs', id, 'work', 'app.tfplan');
const legacyPlanFile = (id: string): string => join(stateDir, 'runs', id, 'work', 'app', 'app.tfplan');

describe('removeOldRuns', () => {
  it('after a run: removes the expired run and sweeps only runs finished since the last cleanup, never the other kept ones', async () => {
    const runs = [await finishedRun('new', 1), await finishedRun('kept', 60), await finishedRun('expired', 120)];
    const retention = { ageMs: 7 * 86_400_000, runs: 2 };
    const removed = await removeOldRuns({ stateDir, runs, retention, now, planFilesFinishedSince: new Date(now.getTime() - 10 * minute) });
    expect(removed).toEqual({ runs: ['expired'], planFiles: [planFile('new')] });
    expect((await readdir(join(stateDir, 'runs'))).sort()).toEqual(['kept', 'new']);
    // Swept before: its directory was not listed at all.
    expect(existsSync(planFile('kept'))).toBe(true);
  });

  it('does not list the work directories of the runs just executed here (their stacks removed their own plan files)', async () => {
    const runs = [await finishedRun('just-run', 0), await finishedRun('resumed-elsewhere', 1)];
    const removed = await removeOldRuns({ stateDir, runs, retention: { ageMs: 90 * minute, runs: 200 }, now, planFilesRemovedIn: new Set(['just-run']) });
    expect(removed).toEqual({ runs: [], planFiles: [planFile('resumed-elsewhere')] });
    expect(existsSync(planFile('just-run'))).toBe(true);
  });

  it('finds the plan files runs of earlier versions left in a directory per stack, and nothing else', async () => {
    const runs = [await finishedRun('old', 1, legacyPlanFile('old')), await finishedRun('new', 2)];
    const removed = await removeOldRuns({ stateDir, runs, retention: { ageMs: 90 * minute, runs: 200 }, now });
    expect(removed.planFiles.sort()).toEqual([legacyPlanFile('old'), planFile('new')].sort());
    expect([existsSync(legacyPlanFile('old')), existsSync(planFile('new'))]).toEqual([false, false]);
    expect(existsSync(join(stateDir, 'runs', 'new', 'work', 'app.apply.exit'))).toBe(true);
  });

  it('without a cutoff (stackfleet gc): sweeps every kept run', async () => {
    const runs = [await finishedRun('new', 1), await finishedRun('kept', 60), await finishedRun('expired', 120)];
    const removed = await removeOldRuns({ stateDir, runs, retention: { ageMs: 90 * minute, runs: 200 }, now });
    expect(removed).toEqual({ runs: ['expired'], planFiles: [planFile('kept'), planFile('new')] });
    expect(existsSync(planFile('kept'))).toBe(false);
  });
});

describe('the gc marker', () => {
  it('is written owner-only and read back; a missing or damaged one reads as empty', async () => {
    expect(await readGcMarker(stateDir)).toEqual({});
    await writeGcMarker(stateDir, { planFilesSweptAt: at(0), checkoutsScannedAt: at(5) });
    expect(await readGcMarker(stateDir)).toEqual({ planFilesSweptAt: at(0), checkoutsScannedAt: at(5) });
    expect(statSync(join(stateDir, 'gc.json')).mode & 0o777).toBe(0o600);
    await writeFile(join(stateDir, 'gc.json'), '{"planFilesSweptAt": "not a ti');
    expect(await readGcMarker(stateDir)).toEqual({});
    await writeFile(join(stateDir, 'gc.json'), '{"planFilesSweptAt": "yesterday-ish", "checkoutsScannedAt": "2026-11-20T11:55:00.000Z"}');
    expect(await readGcMarker(stateDir)).toEqual({ checkoutsScannedAt: at(5) });
  });
});
