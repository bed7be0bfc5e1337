import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './open-database.js';
import { runTransaction } from './prepare-cached.js';

function openPair() {
  const dir = mkdtempSync(join(tmpdir(), 'sf-transaction-'));
  const db = openDatabase(dir, { busyTimeoutMs: 0 });
  db.exec('CREATE TABLE IF NOT EXISTS t (value INTEGER)');
  return { db, other: openDatabase(dir, { busyTimeoutMs: 0 }) };
}

const count = (db: ReturnType<typeof openDatabase>): number => (db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n;

/** A transaction body that writes a row, then fails. */
const insertThenFail = (db: ReturnType<typeof openDatabase>, message: string) => (): never => {
  db.prepare('INSERT INTO t VALUES (2)').run();
  throw new Error(message);
};

describe('runTransaction', () => {
  it('commits what the body wrote and returns its result; a throwing body leaves nothing, however often it runs', () => {
    const { db } = openPair();
    expect(runTransaction(db, () => db.prepare('INSERT INTO t VALUES (1)').run().changes)).toBe(1);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect(() => runTransaction(db, insertThenFail(db, 'stop'))).toThrow('stop');
    }
    expect(count(db)).toBe(1);
  });

  it('runs a nested call as a savepoint: its failure undoes only its own writes', () => {
    const { db } = openPair();
    runTransaction(db, () => {
      db.prepare('INSERT INTO t VALUES (1)').run();
      expect(() => runTransaction(db, insertThenFail(db, 'inner'))).toThrow('inner');
    });
    expect(count(db)).toBe(1);
  });

  it('with immediate, holds the write lock from the start: another connection cannot write until it commits', () => {
    const { db, other } = openPair();
    runTransaction(
      db,
      () => {
        expect(() => other.prepare('INSERT INTO t VALUES (9)').run()).toThrow(/locked|busy/i);
      },
      { immediate: true },
    );
    other.prepare('INSERT INTO t VALUES (9)').run();
    expect(count(db)).toBe(1);
  });
});
