/**
 * The PostgreSQL store against a real server started here (initdb + postgres
 * on a free loopback port, as the `postgres` user when we are root): the same
 * contract suite as SQLite, plus what only a shared database has — fleets kept
 * apart, migrations refusing a newer schema, a password that never leaks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '@stackfleet/test-utils';
import { describeStoreContract } from '../contract/store-contract.js';
import { openPostgresStore } from './postgres-store.js';
import { latestPgSchemaVersion } from './pg-migrations.js';

let server: PostgresServer;
let fleetCounter = 0;
const key = 'ab'.repeat(32);

beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

describeStoreContract('postgres', async () => {
  // One database, a fresh fleet per test: isolation is itself the fleet-identity contract.
  const store = openPostgresStore({ url: server.url, fleet: `contract-${++fleetCounter}`, env: { STACKFLEET_STATE_KEY: key } });
  return { store, cleanup: () => store.close() };
});

describe('PostgreSQL store', () => {
  it('keeps fleets sharing one database apart', async () => {
    const a = openPostgresStore({ url: server.url, fleet: 'repo-a/stacks.yaml', env: {} });
    const b = openPostgresStore({ url: server.url, fleet: 'repo-b/stacks.yaml', env: {} });
    try {
      await a.setOutputs('network', { vpc: { value: 'vpc-a', sensitive: false } }, 'run-a');
      await a.acquireLock('network', { host: 'h.invalid', pid: 1, runId: 'run-a' }, 60_000, new Date());
      expect(await b.getOutputs('network')).toBeUndefined();
      expect(await b.listLocks()).toEqual([]);
      const taken = await b.acquireLock('network', { host: 'h.invalid', pid: 2, runId: 'run-b' }, 60_000, new Date());
      expect(taken.acquired).toBe(true);
      expect((await a.getOutputs('network'))?.outputs.vpc?.value).toBe('vpc-a');
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('gives exactly one of many concurrent acquirers the lock', async () => {
    const stores = Array.from({ length: 8 }, () => openPostgresStore({ url: server.url, fleet: 'race', env: {} }));
    try {
      const now = new Date();
      const results = await Promise.all(
        stores.map((store, index) => store.acquireLock('db', { host: 'racer.invalid', pid: 1000 + index, runId: `run-${index}` }, 60_000, now)),
      );
      expect(results.filter((result) => result.acquired)).toHaveLength(1);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it('stores sensitive outputs sealed, never in clear, and needs the key for them', async () => {
    const url = await server.createDatabase('sealed');
    const store = openPostgresStore({ url, fleet: 'f', env: { STACKFLEET_STATE_KEY: key } });
    try {
      await store.setOutputs('db', { password: { value: 'hunter2-very-secret', sensitive: true } }, 'run-1');
      expect((await store.getOutputs('db'))?.outputs.password?.value).toBe('hunter2-very-secret');
    } finally {
      await store.close();
    }
    const { spawnSync } = await import('node:child_process');
    const dump = spawnSync('psql', ['-X', '-At', '-d', url, '-c', 'SELECT value_json, encode(sealed, \'escape\') FROM output_values'], { encoding: 'utf8' });
    expect(dump.status).toBe(0);
    expect(dump.stdout).not.toContain('hunter2-very-secret');
    const keyless = openPostgresStore({ url, fleet: 'f', env: {} });
    try {
      await expect(keyless.getOutputs('db')).rejects.toMatchObject({ code: 'E_STATE_KEY_MISSING' });
    } finally {
      await keyless.close();
    }
  });

  it('refuses a database migrated by a newer stackfleet and leaves it alone', async () => {
    const url = await server.createDatabase('newer');
    const first = openPostgresStore({ url, fleet: 'f', env: {} });
    await first.listRuns();
    await first.close();
    const { spawnSync } = await import('node:child_process');
    spawnSync('psql', ['-X', '-q', '-d', url, '-c', `UPDATE stackfleet_schema SET version = ${latestPgSchemaVersion + 3}`]);
    const store = openPostgresStore({ url, fleet: 'f', env: {} });
    try {
      await expect(store.listRuns()).rejects.toMatchObject({
        code: 'E_STATE_SCHEMA_NEWER',
        message: expect.stringContaining(`schema version ${latestPgSchemaVersion + 3}`) as unknown,
      });
    } finally {
      await store.close();
    }
  });

  it('upgrades a version 3 database (saved plans) to version 5 (run events, then policy decisions and approvals) keeping its saved plans', async () => {
    expect(latestPgSchemaVersion).toBe(5);
    const url = await server.createDatabase('v3');
    const savedPlan = {
      runId: 'run-3', stack: 'network', runner: 'command' as const, hasChanges: true, repo: '', repoSha: '', salt: '00', digests: { 'env X': 'ab' },
      createdAt: '2030-01-01T00:00:00.000Z',
    };
    const old = openPostgresStore({ url, fleet: 'f', env: {}, targetVersion: 3 });
    try {
      await old.createRun({
        id: 'run-3', command: 'plan', selection: {}, stacks: ['network'], startedBy: 'ada@ci', host: 'ci.invalid', pid: 7, repoShas: {},
        manifestPath: '/fleet/stacks.yaml', startedAt: '2030-01-01T00:00:00.000Z', status: 'running',
      });
      await old.putSavedPlan(savedPlan);
    } finally {
      await old.close();
    }
    const { spawnSync } = await import('node:child_process');
    const version = (): string => spawnSync('psql', ['-X', '-At', '-d', url, '-c', 'SELECT version FROM stackfleet_schema'], { encoding: 'utf8' }).stdout.trim();
    expect(version()).toBe('3');
    const store = openPostgresStore({ url, fleet: 'f', env: {} });
    try {
      expect(await store.listSavedPlans('run-3')).toEqual([savedPlan]);
      await store.recordPolicyDecisions([
        { runId: 'run-3', stack: 'network', policy: 'no-deletes', rule: 'r1', effect: 'require_approval', message: 'deletes need approval', at: '2030-01-01T00:00:10.000Z' },
      ]);
      await store.recordApproval({ runId: 'run-3', stack: null, by: 'grace', at: '2030-01-01T00:00:20.000Z' });
      expect((await store.listPolicyDecisions('run-3')).map((decision) => decision.policy)).toEqual(['no-deletes']);
      expect((await store.listApprovals('run-3')).map((approval) => approval.by)).toEqual(['grace']);
    } finally {
      await store.close();
    }
    expect(version()).toBe('5');
  });

  it('migrates a fresh database once when several processes open it together', async () => {
    const url = await server.createDatabase('fresh');
    const stores = Array.from({ length: 5 }, (_, index) => openPostgresStore({ url, fleet: `f${index}`, env: {} }));
    try {
      await Promise.all(stores.map((store) => store.listRuns()));
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it('fails with E_STATE_CONNECT and no password in the message when the server cannot be used', async () => {
    const badUrl = server.url.replace(encodeURIComponent(server.password), 'wrong-pass-word-42');
    const store = openPostgresStore({ url: badUrl, fleet: 'f', env: {} });
    try {
      const error = await store.listRuns().then(
        () => undefined,
        (caught: unknown) => caught as Error & { code?: string; hint?: string },
      );
      expect(error?.code).toBe('E_STATE_CONNECT');
      expect(error?.message).toContain('postgresql://postgres:***@127.0.0.1');
      expect(`${error?.message}${error?.hint}`).not.toContain('wrong-pass-word-42');
    } finally {
      await store.close();
    }
  });
});
