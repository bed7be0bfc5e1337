import type Database from 'better-sqlite3';

const caches = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/**
 * `db.prepare` with a per-connection cache: a run writes several rows per
 * stack, and compiling the same SQL each time was a visible share of it.
 */
export function prepareCached(db: Database.Database, sql: string): Database.Statement {
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  let statement = cache.get(sql);
  if (!statement) {
    statement = db.prepare(sql);
    cache.set(sql, statement);
  }
  return statement;
}

type Body = () => unknown;
const transactions = new WeakMap<Database.Database, Database.Transaction<(body: Body) => unknown>>();

/**
 * Runs `body` in a transaction (nested: a savepoint), with one better-sqlite3
 * transaction function per connection. `db.transaction(fn)` builds four
 * wrapper functions and defines their properties on every call: `perf` put
 * that at a seventh of the store's CPU in a 500-stack run, whose lock and
 * outputs writes each made one (issue #17). `immediate` takes the write lock
 * up front (BEGIN IMMEDIATE): a read-then-write decision cannot be raced.
 */
export function runTransaction<T>(db: Database.Database, body: () => T, options: { immediate?: boolean } = {}): T {
  let transaction = transactions.get(db);
  if (!transaction) {
    transaction = db.transaction((run: Body) => run());
    transactions.set(db, transaction);
  }
  return (options.immediate ? transaction.immediate(body) : transaction(body)) as T;
}
