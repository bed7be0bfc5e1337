/**
 * A full disk on the PostgreSQL server (issue #16), for real: a database whose
 * tablespace lives on a 12 MiB tmpfs mounted for the test (needs root and
 * mount; skipped otherwise, the mapping's unit test below still runs), filled
 * with incompressible outputs until the server answers SQLSTATE 53100.
 */
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '@stackfleet/test-utils';
import { isStackfleetError } from '@stackfleet/core';
import { describePgStorageError } from '../storage-errors.js';
import { openPostgresStore } from './postgres-store.js';

describe('PostgreSQL resource errors', () => {
  it.each([
    ['53100', 'no space left on the database server\'s disk'],
    ['53200', 'out of memory'],
    ['53300', 'too many connections'],
  ])('maps SQLSTATE %s to E_STATE_FULL', (code, reason) => {
    const cause = Object.assign(new Error('server said no'), { code });
    const described = describePgStorageError(cause, 'postgresql://postgres:***@db/x');
    expect(isStackfleetError(described) && described.code).toBe('E_STATE_FULL');
    expect((described as Error).message).toContain(reason);
    expect((described as Error).message).toContain(`SQLSTATE ${code}`);
  });

  it('leaves every other error as it is', () => {
    const cause = Object.assign(new Error('syntax'), { code: '42601' });
    expect(describePgStorageError(cause, 'x')).toBe(cause);
  });
});

function canMountTmpfs(): boolean {
  if (process.getuid?.() !== 0) return false;
  const probe = mkdtempSync(join(tmpdir(), 'stackfleet-pg-mount-probe-'));
  const ok = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe]).status === 0;
  if (ok) spawnSync('umount', [probe]);
  rmSync(probe, { recursive: true, force: true });
  return ok;
}

describe.skipIf(!canMountTmpfs())('a PostgreSQL server whose disk is full', () => {
  let server: PostgresServer;
  let disk: string;
  let url: string;

  beforeAll(async () => {
    server = await startPostgres();
    disk = mkdtempSync(join(tmpdir(), 'stackfleet-pg-disk-'));
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=12m,mode=0700', 'tmpfs', disk]).status !== 0) throw new Error('mount failed');
    const space = join(disk, 'space');
    mkdirSync(space);
    const ids = ['-u', '-g'].map((flag) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim()));
    chownSync(disk, ids[0]!, ids[1]!);
    chownSync(space, ids[0]!, ids[1]!);
    const psql = (sql: string): void => {
      const result = spawnSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', server.url, '-c', sql], { encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`${sql}: ${result.stderr}`);
    };
    psql(`CREATE TABLESPACE tiny LOCATION '${space}'`);
    psql('CREATE DATABASE fleetdb TABLESPACE tiny');
    url = server.urlFor('fleetdb');
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    if (disk) {
      spawnSync('umount', [disk]);
      rmSync(disk, { recursive: true, force: true });
    }
  });

  it('refuses the write with E_STATE_FULL naming the server, not a raw DatabaseError', async () => {
    const store = openPostgresStore({ url, fleet: 'full', env: {} });
    try {
      let failure: unknown;
      // Random hex does not compress: each 1 MB output takes about 1 MB of the 12 MiB disk.
      for (let index = 0; index < 40 && failure === undefined; index += 1) {
        const blob = randomBytes(512 * 1024).toString('hex');
        await store.setOutputs(`stack-${index}`, { blob: { value: blob, sensitive: false } }, 'run-full').catch((error: unknown) => {
          failure = error;
        });
      }
      expect(failure).toBeDefined();
      expect(isStackfleetError(failure) && failure.code).toBe('E_STATE_FULL');
      expect((failure as Error).message).toMatch(/no space left on the database server's disk \(SQLSTATE 53100\)/);
      expect((failure as Error).message).not.toContain(server.password);
      // The server is still there for reads: what was stored before stays readable.
      expect((await store.getOutputs('stack-0'))?.outputs.blob?.value).toHaveLength(1024 * 1024);
    } finally {
      await store.close();
    }
  }, 120_000);
});
