import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StackfleetError } from '@stackfleet/core';
import { openSqliteStore, type SqliteStore } from './sqlite-store.js';

let root: string;
let stateDir: string;
let store: SqliteStore;
beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'stackfleet-corrupt-'));
  stateDir = join(root, '.stackfleet');
  store = openSqliteStore({ stateDir, env: {} });
  await store.createRun({
    id: 'run-1',
    command: 'apply',
    selection: {},
    stacks: ['net'],
    startedBy: 'me',
    host: 'h',
    pid: 1,
    repoShas: {},
    manifestPath: 'stacks.yaml',
    startedAt: '2026-01-01T00:00:00.000Z',
    status: 'running',
  });
  await store.putStackRun({ runId: 'run-1', stack: 'net', state: 'succeeded', attempt: 1, changes: { add: 1, change: 0, destroy: 0 } });
  await store.setOutputs('net', { vpc: { value: 'vpc-1', sensitive: false } }, 'run-1');
});
afterEach(async () => {
  await store.close();
  rmSync(root, { recursive: true, force: true });
});

/** Damages one cell the way a hand edit or a foreign tool would: readable, but not JSON. */
function damage(sql: string): void {
  const db = new Database(join(stateDir, 'state.db'));
  db.prepare(sql).run();
  db.close();
}

async function errorOf(promise: Promise<unknown>): Promise<StackfleetError> {
  return (await promise.then(() => undefined, (error: unknown) => error)) as StackfleetError;
}

describe('corrupt rows in the state database', () => {
  it('names the table, row and column of a run whose JSON is damaged, and how to remove it', async () => {
    damage(`UPDATE runs SET stacks = '["net",' WHERE id = 'run-1'`);
    const error = await errorOf(store.listRuns());
    expect(error.code).toBe('E_STATE_CORRUPT_ROW');
    expect(error.message).toContain(`the state database "${join(stateDir, 'state.db')}" has a damaged row: table runs, row id = 'run-1', column stacks is not valid JSON`);
    expect(error.hint).toBe(`restore the database from a backup, or remove the row: sqlite3 "${join(stateDir, 'state.db')}" "DELETE FROM runs WHERE id = 'run-1'"`);
  });

  it('does the same for a stack run and an output value', async () => {
    damage(`UPDATE stack_runs SET changes = '{oops' WHERE run_id = 'run-1'`);
    expect((await errorOf(store.listStackRuns('run-1'))).message).toContain("table stack_runs, row run_id = 'run-1' AND stack = 'net', column changes");
    damage(`UPDATE output_values SET value_json = 'vpc-1' WHERE stack = 'net'`);
    const error = await errorOf(store.getOutputs('net'));
    expect(error.message).toContain("table output_values, row stack = 'net' AND name = 'vpc', column value_json");
    expect(error.hint).toContain('and apply the stack again to rewrite its outputs');
  });
});
