import type { RunCommand, StackRunState } from '@stackfleet/core';
import { openSqliteStore } from '@stackfleet/state';
import { createTempDir, type TempDir } from '@stackfleet/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { readLastApply } from './read-last-apply.js';

let temp: TempDir | undefined;
afterEach(async () => { await temp?.cleanup(); temp = undefined; });

describe('readLastApply', () => {
  it('finds the newest apply that left the stack matching its code, from the run history of a real store', async () => {
    temp = await createTempDir();
    const store = openSqliteStore({ stateDir: temp.path, env: {} });
    let minute = 0;
    const record = async (id: string, command: RunCommand, sha: string, state: StackRunState) => {
      minute += 1;
      const at = `2026-01-01T00:${String(minute).padStart(2, '0')}:00.000Z`;
      await store.createRun({
        id, command, selection: {}, stacks: ['db'], startedBy: 'me@host', host: 'host', pid: 1,
        repoShas: { services: sha }, manifestPath: 'stacks.yaml', startedAt: at, status: 'succeeded',
      });
      await store.putStackRun({ runId: id, stack: 'db', state, attempt: 1, startedAt: at, finishedAt: at });
    };
    try {
      expect(await readLastApply(store, 'db')).toBeUndefined();
      await record('r1', 'apply', 'sha1', 'succeeded');
      await record('r2', 'plan', 'sha2', 'changed');
      await record('r3', 'apply', 'sha3', 'failed');
      expect((await readLastApply(store, 'db'))?.repoShas).toEqual({ services: 'sha1' });
      await record('r4', 'apply', 'sha4', 'unchanged');
      expect(await readLastApply(store, 'db')).toMatchObject({ runId: 'r4', repoShas: { services: 'sha4' } });
      await record('r5', 'drift', 'sha5', 'changed');
      expect((await readLastApply(store, 'db'))?.runId).toBe('r4');
      await record('r6', 'drift', 'sha6', 'succeeded');
      expect((await readLastApply(store, 'db'))?.runId).toBe('r6');
      await record('r7', 'destroy', 'sha7', 'succeeded');
      expect(await readLastApply(store, 'db')).toBeUndefined();
    } finally {
      await store.close();
    }
  });
});
