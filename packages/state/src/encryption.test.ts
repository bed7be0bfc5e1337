import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StackfleetError } from '@stackfleet/core';
import { openSqliteStore } from './sqlite-store.js';

const hexKey = 'a1'.repeat(32);
const otherHexKey = 'b2'.repeat(32);

/** Every byte SQLite may have written: the main file, the WAL and its index. */
function readStateBytes(stateDir: string): Buffer {
  return Buffer.concat(
    ['state.db', 'state.db-wal', 'state.db-shm']
      .map((name) => join(stateDir, name))
      .filter((path) => existsSync(path))
      .map((path) => readFileSync(path)),
  );
}

async function captureError(promise: Promise<unknown>): Promise<StackfleetError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof StackfleetError) return error;
    throw error;
  }
  throw new Error('expected a StackfleetError, got success');
}

describe('sensitive outputs at rest', () => {
  let stateDir: string;
  beforeEach(() => {
    stateDir = mkdtempSync(join(tmpdir(), 'stackfleet-crypto-'));
  });
  afterEach(() => {
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('never writes a sensitive value in plaintext to state.db or its WAL', async () => {
    const secret = 'PLAINTEXT-CANARY-9f8e7d6c5b4a';
    const visible = 'VISIBLE-CANARY-0a1b2c3d4e5f';
    const store = openSqliteStore({ stateDir, env: {} });
    await store.setOutputs('db', { password: { value: secret, sensitive: true }, host: { value: visible, sensitive: false } }, 'run-1');
    await store.setOutputs('db', { password: { value: { nested: secret }, sensitive: true }, host: { value: visible, sensitive: false } }, 'run-2');
    // While open, the rows live in the WAL; the visible canary proves the scan looks where the data is.
    const whileOpen = readStateBytes(stateDir);
    expect(whileOpen.includes(visible)).toBe(true);
    expect(whileOpen.includes(secret)).toBe(false);
    expect((await store.getOutputs('db'))?.outputs.password).toEqual({ value: { nested: secret }, sensitive: true });
    await store.close(); // checkpoints the WAL into state.db

    const afterCheckpoint = readFileSync(join(stateDir, 'state.db'));
    expect(afterCheckpoint.includes(visible)).toBe(true);
    expect(readStateBytes(stateDir).includes(secret)).toBe(false);
  });

  it('creates the key file with mode 0600 only when a sensitive value needs it, and reuses it', async () => {
    const keyPath = join(stateDir, 'key');
    const store = openSqliteStore({ stateDir, env: {} });
    await store.setOutputs('app', { url: { value: 'https://app', sensitive: false } }, 'run-1');
    expect(existsSync(keyPath)).toBe(false);
    await store.setOutputs('db', { password: { value: 'hunter2', sensitive: true } }, 'run-1');
    expect(statSync(keyPath).mode & 0o777).toBe(0o600);
    expect(readFileSync(keyPath, 'utf8').trim()).toMatch(/^[0-9a-f]{64}$/);
    await store.close();

    const reopened = openSqliteStore({ stateDir, env: {} });
    expect((await reopened.getOutputs('db'))?.outputs.password?.value).toBe('hunter2');
    await reopened.close();
  });

  it('accepts STACKFLEET_STATE_KEY as hex or base64 of the same 32 bytes', async () => {
    const store = openSqliteStore({ stateDir, env: { STACKFLEET_STATE_KEY: hexKey } });
    await store.setOutputs('db', { password: { value: 'hunter2', sensitive: true } }, 'run-1');
    await store.close();
    expect(existsSync(join(stateDir, 'key'))).toBe(false);

    const base64Key = Buffer.from(hexKey, 'hex').toString('base64');
    const reopened = openSqliteStore({ stateDir, env: { STACKFLEET_STATE_KEY: base64Key } });
    expect((await reopened.getOutputs('db'))?.outputs.password?.value).toBe('hunter2');
    await reopened.close();
  });

  it('fails with E_STATE_KEY naming the stack when the key is not the one used to encrypt', async () => {
    const store = openSqliteStore({ stateDir, env: { STACKFLEET_STATE_KEY: hexKey } });
    await store.setOutputs('network', { vpc_id: { value: 'vpc-1', sensitive: false } }, 'run-1');
    await store.setOutputs('payments-db', { password: { value: 'hunter2', sensitive: true } }, 'run-1');
    await store.close();

    const wrong = openSqliteStore({ stateDir, env: { STACKFLEET_STATE_KEY: otherHexKey } });
    try {
      const error = await captureError(wrong.getOutputs('payments-db'));
      expect(error.code).toBe('E_STATE_KEY');
      expect(error.message).toContain('"payments-db"');
      expect(error.message).toContain('"password"');
      expect(error.hint).toContain('STACKFLEET_STATE_KEY');
      // Stacks without sensitive values stay readable.
      expect((await wrong.getOutputs('network'))?.outputs.vpc_id?.value).toBe('vpc-1');
    } finally {
      await wrong.close();
    }
  });

  it.each([['too-short'], ['z'.repeat(64)], [Buffer.alloc(16).toString('base64')]])(
    'refuses a malformed STACKFLEET_STATE_KEY (%s) without echoing it, and says how to make one',
    (badKey) => {
      let error: unknown;
      try {
        openSqliteStore({ stateDir, env: { STACKFLEET_STATE_KEY: badKey } });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(StackfleetError);
      expect((error as StackfleetError).code).toBe('E_STATE_KEY_FORMAT');
      expect((error as StackfleetError).message).not.toContain(badKey);
      expect((error as StackfleetError).hint).toContain('openssl rand -hex 32');
    },
  );
});

describe('saved plan files at rest', () => {
  let stateDir: string;
  beforeEach(() => {
    stateDir = mkdtempSync(join(tmpdir(), 'stackfleet-crypto-plan-'));
  });
  afterEach(() => {
    rmSync(stateDir, { recursive: true, force: true });
  });

  const record = {
    runId: 'plan-1', stack: 'db', runner: 'terraform' as const, hasChanges: true, repo: '', repoSha: '', salt: '00', digests: {}, createdAt: '2030-01-01T00:00:00.000Z',
  };

  it('keeps a plan file sealed: its secret never reaches state.db or its WAL, and another key cannot open it', async () => {
    const secret = 'PLAN-FILE-CANARY-5e4d3c2b1a';
    const store = openSqliteStore({ stateDir, env: { STACKFLEET_STATE_KEY: hexKey } });
    await store.putSavedPlan(record, Buffer.from(`variables: password=${secret}`));
    expect(readStateBytes(stateDir).includes(secret)).toBe(false);
    expect(Buffer.from((await store.readSavedPlanFile('plan-1', 'db'))!).toString()).toBe(`variables: password=${secret}`);
    await store.close();
    expect(readStateBytes(stateDir).includes(secret)).toBe(false);

    const other = openSqliteStore({ stateDir, env: { STACKFLEET_STATE_KEY: otherHexKey } });
    try {
      const error = await captureError(other.readSavedPlanFile('plan-1', 'db'));
      expect(error.code).toBe('E_STATE_KEY');
      expect(error.message).toBe('cannot decrypt the saved plan file of stack "db" from run plan-1: the state key is not the one it was encrypted with');
    } finally {
      await other.close();
    }
  });
});
