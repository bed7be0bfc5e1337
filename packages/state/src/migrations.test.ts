import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StackfleetError } from '@stackfleet/core';
import { latestSchemaVersion, readSchemaVersion } from './migrations.js';
import { openDatabase } from './open-database.js';
import { sealOutputValue } from './output-cipher.js';
import { openSqliteStore } from './sqlite-store.js';

const hexKey = 'c3'.repeat(32);

describe('schema migrations', () => {
  let stateDir: string;
  beforeEach(() => {
    stateDir = mkdtempSync(join(tmpdir(), 'stackfleet-migrate-'));
  });
  afterEach(() => {
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('creates a new database at the latest version', async () => {
    const store = openSqliteStore({ stateDir, env: {} });
    await store.close();
    const db = new Database(join(stateDir, 'state.db'));
    expect(readSchemaVersion(db)).toBe(latestSchemaVersion);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('upgrades a version 1 database without losing runs, stack runs, outputs, locks or drift', async () => {
    // Written with plain SQL against the v1 tables, as a v1 stackfleet would have.
    const old = openDatabase(stateDir, { targetVersion: 1 });
    expect(readSchemaVersion(old)).toBe(1);
    old.exec(`
      INSERT INTO runs VALUES ('run-1', 'apply', '{"stack":["app"]}', '["network","app"]', 'ada@ci', 'ci', 7, '{"":"abc"}',
        '/fleet/stacks.yaml', '2030-01-01T00:00:00.000Z', '2030-01-01T00:01:00.000Z', 'succeeded');
      INSERT INTO stack_runs (run_id, stack, state, phase, attempt, exit_code, duration_ms, changes)
        VALUES ('run-1', 'network', 'succeeded', 'apply', 1, 0, 1200, '{"create":1,"update":0,"delete":0,"replace":0}');
      INSERT INTO stack_outputs VALUES ('network', 'run-1', '2030-01-01T00:00:30.000Z');
      INSERT INTO locks VALUES ('app', 'far.invalid', 9, 'run-1', 0, 4102444800000);
      INSERT INTO drift (stack, run_id, checked_at, status, remediated) VALUES ('network', 'run-1', '2030-01-02T00:00:00.000Z', 'clean', 0);
    `);
    old
      .prepare('INSERT INTO output_values (stack, name, sensitive, value_json, sealed) VALUES (?, ?, ?, ?, ?)')
      .run('network', 'password', 1, null, sealOutputValue(Buffer.from(hexKey, 'hex'), 'network', 'password', 'hunter2'));
    old.prepare('INSERT INTO output_values (stack, name, sensitive, value_json, sealed) VALUES (?, ?, ?, ?, ?)').run('network', 'vpc_id', 0, '"vpc-1"', null);
    old.close();

    const store = openSqliteStore({ stateDir, env: { STACKFLEET_STATE_KEY: hexKey } });
    try {
      expect((await store.getRun('run-1'))?.stacks).toEqual(['network', 'app']);
      expect(await store.listStackHistory('network')).toEqual([
        { runId: 'run-1', stack: 'network', state: 'succeeded', phase: 'apply', attempt: 1, exitCode: 0, durationMs: 1200, changes: { create: 1, update: 0, delete: 0, replace: 0 } },
      ]);
      expect((await store.getOutputs('network'))?.outputs).toEqual({
        password: { value: 'hunter2', sensitive: true },
        vpc_id: { value: 'vpc-1', sensitive: false },
      });
      expect((await store.listLocks()).map((lock) => [lock.stack, lock.expiresAt])).toEqual([['app', '2100-01-01T00:00:00.000Z']]);
      expect(await store.latestDrift('network')).toMatchObject({ status: 'clean', remediated: false });
    } finally {
      await store.close();
    }
    const db = new Database(join(stateDir, 'state.db'));
    expect(readSchemaVersion(db)).toBe(latestSchemaVersion);
    const indexes = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((row) => row.name);
    expect(indexes).toEqual(['approvals_by_run', 'drift_by_stack_checked', 'policy_decisions_by_run', 'runs_by_started', 'stack_runs_by_stack']);
    db.close();
  });

  it('upgrades a version 3 database (saved plans) through version 4 (policy decisions, approvals) keeping its saved plans', async () => {
    const old = openDatabase(stateDir, { targetVersion: 3 });
    expect(readSchemaVersion(old)).toBe(3);
    const savedPlan = {
      runId: 'run-3', stack: 'network', runner: 'command', hasChanges: true, repo: '', repoSha: '', salt: '00', digests: { 'env X': 'ab' },
      createdAt: '2030-01-01T00:00:00.000Z',
    };
    old.exec(`
      INSERT INTO runs VALUES ('run-3', 'plan', '{}', '["network"]', 'ada@ci', 'ci', 7, '{}',
        '/fleet/stacks.yaml', '2030-01-01T00:00:00.000Z', '2030-01-01T00:01:00.000Z', 'succeeded');
    `);
    old.prepare('INSERT INTO saved_plans (run_id, stack, created_at, record) VALUES (?, ?, ?, ?)').run('run-3', 'network', savedPlan.createdAt, JSON.stringify(savedPlan));
    old.close();

    const store = openSqliteStore({ stateDir, env: {} });
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
    const db = new Database(join(stateDir, 'state.db'));
    expect(readSchemaVersion(db)).toBe(latestSchemaVersion);
    db.close();
  });

  it('upgrades a version 4 database to version 5 (plan files kept with saved plans): old plans keep their records, without a stored file', async () => {
    const old = openDatabase(stateDir, { targetVersion: 4 });
    const savedPlan = {
      runId: 'run-4', stack: 'db', runner: 'terraform', hasChanges: true, planFile: '/fleet/.stackfleet/runs/run-4/plans/db.tfplan', repo: '', repoSha: '',
      salt: '00', digests: { 'env X': 'ab' }, createdAt: '2030-01-01T00:00:00.000Z',
    };
    old.prepare('INSERT INTO saved_plans (run_id, stack, created_at, record) VALUES (?, ?, ?, ?)').run('run-4', 'db', savedPlan.createdAt, JSON.stringify(savedPlan));
    old.close();

    const store = openSqliteStore({ stateDir, env: { STACKFLEET_STATE_KEY: hexKey } });
    try {
      expect(await store.listSavedPlans('run-4')).toEqual([savedPlan]);
      expect(await store.readSavedPlanFile('run-4', 'db')).toBeUndefined();
      await store.putSavedPlan({ ...savedPlan, runId: 'run-5' }, Buffer.from('plan bytes'));
      expect(Buffer.from((await store.readSavedPlanFile('run-5', 'db'))!).toString()).toBe('plan bytes');
    } finally {
      await store.close();
    }
    const db = new Database(join(stateDir, 'state.db'));
    expect(readSchemaVersion(db)).toBe(latestSchemaVersion);
    db.close();
  });

  it('upgrades a version 5 database to version 6 (who satisfied a require_approval): old decisions read as before', async () => {
    const old = openDatabase(stateDir, { targetVersion: 5 });
    old.exec(`
      INSERT INTO runs VALUES ('run-5', 'apply', '{}', '["db"]', 'ada@ci', 'ci', 7, '{}',
        '/fleet/stacks.yaml', '2030-01-01T00:00:00.000Z', '2030-01-01T00:01:00.000Z', 'succeeded');
      INSERT INTO policy_decisions (run_id, stack, policy, rule, effect, message, at)
        VALUES ('run-5', 'db', 'review', 'big', 'require_approval', 'big change', '2030-01-01T00:00:10.000Z');
    `);
    old.close();

    const store = openSqliteStore({ stateDir, env: {} });
    const before = { runId: 'run-5', stack: 'db', policy: 'review', rule: 'big', effect: 'require_approval' as const, message: 'big change', at: '2030-01-01T00:00:10.000Z' };
    try {
      await store.recordPolicyDecisions([{ ...before, approvedBy: ['bob'], at: '2030-01-01T00:00:30.000Z' }]);
      expect(await store.listPolicyDecisions('run-5')).toEqual([before, { ...before, approvedBy: ['bob'], at: '2030-01-01T00:00:30.000Z' }]);
    } finally {
      await store.close();
    }
    const db = new Database(join(stateDir, 'state.db'));
    expect(readSchemaVersion(db)).toBe(latestSchemaVersion);
    db.close();
  });

  it('upgrades a version 6 database to version 7 (the plans run policies judged, kept with the run): its runs have none yet', async () => {
    const old = openDatabase(stateDir, { targetVersion: 6 });
    old.exec(`
      INSERT INTO runs VALUES ('run-6', 'plan', '{"save":true}', '["db"]', 'ada@ci', 'ci', 7, '{}',
        '/fleet/stacks.yaml', '2030-01-01T00:00:00.000Z', '2030-01-01T00:01:00.000Z', 'awaiting_approval');
    `);
    old.close();

    const store = openSqliteStore({ stateDir, env: {} });
    try {
      expect(await store.getRunPolicyPlans('run-6')).toBeUndefined();
      const kept = { runId: 'run-6', awaiting: true, at: '2030-01-01T00:00:50.000Z', plans: [{ stack: 'db', plan: { changes: { total: 1, known: false } } }] };
      await store.putRunPolicyPlans(kept);
      expect(await store.getRunPolicyPlans('run-6')).toEqual(kept);
    } finally {
      await store.close();
    }
    const db = new Database(join(stateDir, 'state.db'));
    expect(readSchemaVersion(db)).toBe(7);
    expect(latestSchemaVersion).toBe(7);
    db.close();
  });

  it('refuses a database written by a newer stackfleet and leaves its data alone', () => {
    void openSqliteStore({ stateDir, env: {} }).close();
    const db = new Database(join(stateDir, 'state.db'));
    db.pragma(`user_version = ${latestSchemaVersion + 1}`);
    db.close();

    let error: unknown;
    try {
      openSqliteStore({ stateDir, env: {} });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(StackfleetError);
    expect((error as StackfleetError).code).toBe('E_STATE_SCHEMA_NEWER');
    expect((error as StackfleetError).message).toBe(`state.db has schema version ${latestSchemaVersion + 1} but this stackfleet knows up to ${latestSchemaVersion}`);
    expect((error as StackfleetError).hint).toMatch(/upgrade stackfleet/);
    const after = new Database(join(stateDir, 'state.db'));
    expect(readSchemaVersion(after)).toBe(latestSchemaVersion + 1);
    after.close();
  });

  it('wraps a file that is not a database in a StackfleetError naming it', () => {
    writeFileSync(join(stateDir, 'state.db'), 'this is not sqlite, just text that is long enough to have a header '.repeat(20));
    expect(() => openSqliteStore({ stateDir, env: {} })).toThrow(/cannot open the state database ".*state\.db"/);
  });
});
