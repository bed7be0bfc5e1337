import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from './sqlite-store.js';

describe('SqliteStore.writeTogether', () => {
  it('commits the calls as one transaction: another connection sees none of them until all are written', async () => {
    const stateDir = join(mkdtempSync(join(tmpdir(), 'sf-together-')), '.stackfleet');
    const store = openSqliteStore({ stateDir, env: {} });
    const reader = openSqliteStore({ stateDir, env: {}, busyTimeoutMs: 0 });
    const holder = { host: 'h.invalid', pid: 1, runId: 'run-1' };
    await store.createRun({ id: 'run-1', command: 'apply', selection: {}, stacks: ['app'], startedBy: 'x', host: 'h.invalid', pid: 1, repoShas: {}, manifestPath: 'm', startedAt: '2026-11-27T00:00:00.000Z', status: 'running' });
    await store.acquireLock('app', holder, 60_000, new Date('2026-11-27T00:00:00Z'));
    let seenInside: string[] | undefined;
    await store.writeTogether(() => {
      const release = store.releaseLock('app', holder);
      // Read (synchronously, like every call of this store) while the transaction is open: WAL shows the reader the last commit.
      const read = reader.listLocks().then((locks) => void (seenInside = locks.map((lock) => lock.stack)));
      return [release, read, store.putStackRun({ runId: 'run-1', stack: 'app', state: 'succeeded', attempt: 1 })];
    });
    expect(seenInside).toEqual(['app']);
    expect(await reader.listLocks()).toEqual([]);
    expect((await reader.listStackRuns('run-1')).map((row) => row.state)).toEqual(['succeeded']);
    await Promise.all([store.close(), reader.close()]);
  });
});
