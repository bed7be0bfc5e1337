/**
 * The PostgreSQL store against a real server started here (initdb + postgres
 * on a free loopback port, as the `postgres` user when we are root): the same
 * contract suite as SQLite, plus what only a shared database has — fleets kept
 * apart, migrations refusing a newer schema, a password that never leaks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '@stackfleet/test-utils';
import { describeStoreContract } from '../contract/store-contract.js';
import { openPostgresStore, type PostgresStore } from './postgres-store.js';
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

  it('gives exactly one of many concurrent acquirers an expired lock, and none a live one', async () => {
    const stores = Array.from({ length: 8 }, () => openPostgresStore({ url: server.url, fleet: 'race-expired', env: {} }));
    try {
      const then = new Date('2030-01-01T00:00:00Z');
      const [first] = stores as [PostgresStore];
      expect((await first.acquireLock('db', { host: 'gone.invalid', pid: 1, runId: 'old' }, 1_000, then)).acquired).toBe(true);
      const live = await Promise.all(stores.map((store, index) => store.acquireLock('db', { host: 'racer.invalid', pid: 2000 + index, runId: `run-${index}` }, 60_000, new Date(then.getTime() + 500))));
      expect(live.filter((result) => result.acquired)).toHaveLength(0);
      const later = new Date(then.getTime() + 5_000);
      const results = await Promise.all(stores.map((store, index) => store.acquireLock('db', { host: 'racer.invalid', pid: 1000 + index, runId: `run-${index}` }, 60_000, later)));
      expect(results.filter((result) => result.acquired)).toHaveLength(1);
      expect((await first.listLocks()).map((lock) => lock.host)).toEqual(['racer.invalid']);
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

  it('upgrades a version 3 database (saved plans) through version 5 (run events, then policy decisions and approvals) keeping its saved plans', async () => {
    expect(latestPgSchemaVersion).toBe(10); // 6: plan files with saved plans; 7: the queue's trigger columns; 8: limited queue nodes; 9: approved_by of decisions; 10: run policy plans
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
    } finally {
      await old.close();
    }
    const { spawnSync } = await import('node:child_process');
    // The v3 table, as a v3 stackfleet wrote it (today's putSavedPlan also writes the v6 plan file column).
    const insert = spawnSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c',
      `INSERT INTO saved_plans (fleet, run_id, stack, created_at, record) VALUES ('f', 'run-3', 'network', '${savedPlan.createdAt}', '${JSON.stringify(savedPlan)}')`], { encoding: 'utf8' });
    expect(insert.stderr).toBe('');
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
    expect(version()).toBe(String(latestPgSchemaVersion));
  });

  it('upgrades a version 5 database to version 6 (plan files kept with saved plans, sealed): old plans keep their records, without a stored file', async () => {
    expect(latestPgSchemaVersion).toBeGreaterThanOrEqual(6);
    const url = await server.createDatabase('v5');
    const savedPlan = {
      runId: 'run-5', stack: 'db', runner: 'terraform' as const, hasChanges: true, planFile: '/fleet/.stackfleet/runs/run-5/plans/db.tfplan', repo: '', repoSha: '',
      salt: '00', digests: { 'env X': 'ab' }, createdAt: '2030-01-01T00:00:00.000Z',
    };
    const { spawnSync } = await import('node:child_process');
    const old = openPostgresStore({ url, fleet: 'f', env: {}, targetVersion: 5 });
    try {
      await old.listRuns();
    } finally {
      await old.close();
    }
    // Written with plain SQL against the v5 table, as a v5 stackfleet would have.
    const insert = spawnSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c',
      `INSERT INTO saved_plans (fleet, run_id, stack, created_at, record) VALUES ('f', 'run-5', 'db', '${savedPlan.createdAt}', '${JSON.stringify(savedPlan)}')`], { encoding: 'utf8' });
    expect(insert.stderr).toBe('');
    const secret = 'PLAN-FILE-CANARY-7a6b5c';
    const store = openPostgresStore({ url, fleet: 'f', env: { STACKFLEET_STATE_KEY: key } });
    try {
      expect(await store.listSavedPlans('run-5')).toEqual([savedPlan]);
      expect(await store.readSavedPlanFile('run-5', 'db')).toBeUndefined();
      await store.putSavedPlan({ ...savedPlan, runId: 'run-6' }, Buffer.from(`password=${secret}`));
      expect(Buffer.from((await store.readSavedPlanFile('run-6', 'db'))!).toString()).toBe(`password=${secret}`);
    } finally {
      await store.close();
    }
    const dump = spawnSync('psql', ['-X', '-At', '-d', url, '-c', "SELECT record::text, encode(plan_file, 'escape'), (SELECT version FROM stackfleet_schema) FROM saved_plans"], { encoding: 'utf8' });
    expect(dump.status).toBe(0);
    expect(dump.stdout).toContain(`|${latestPgSchemaVersion}\n`);
    expect(dump.stdout).not.toContain(secret);
    // Without the key, nothing is kept in clear instead: saving a plan file fails, naming the variable.
    const keyless = openPostgresStore({ url, fleet: 'f', env: {} });
    try {
      await expect(keyless.putSavedPlan({ ...savedPlan, runId: 'run-7' }, Buffer.from('x'))).rejects.toMatchObject({
        code: 'E_STATE_KEY_MISSING',
        message: 'terraform plan files saved in the PostgreSQL store need STACKFLEET_STATE_KEY',
      });
      await expect(keyless.readSavedPlanFile('run-6', 'db')).rejects.toMatchObject({ code: 'E_STATE_KEY_MISSING' });
    } finally {
      await keyless.close();
    }
  });

  it('opens the asked connections at once (a worker at start), at most its pool\'s', async () => {
    const name = `warm-${++fleetCounter}`;
    const store = openPostgresStore({ url: `${server.url}?application_name=${name}`, fleet: name, env: {}, maxConnections: 3 });
    const probe = openPostgresStore({ url: server.url, fleet: 'probe', env: {} });
    const open = async (): Promise<number> => {
      const [row] = (await (probe as unknown as { pool: { query: (sql: string, values: unknown[]) => Promise<{ rows: Array<{ count: string }> }> } }).pool.query(
        'SELECT count(*) FROM pg_stat_activity WHERE application_name = $1',
        [name],
      )).rows;
      return Number(row?.count);
    };
    try {
      await store.readFleet();
      expect(await open()).toBeLessThanOrEqual(1);
      await store.openConnections(5);
      expect(await open()).toBe(3);
    } finally {
      await Promise.all([store.close(), probe.close()]);
    }
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
