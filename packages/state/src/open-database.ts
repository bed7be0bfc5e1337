import { closeSync, fchmodSync, mkdirSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import { StackfleetError, stateDatabasePath } from '@stackfleet/core';
import { applyMigrations, latestSchemaVersion } from './migrations.js';

export interface OpenDatabaseOptions {
  /** How long a writer waits for another process's write lock. @default 10000 */
  busyTimeoutMs?: number;
  /** Migrate only up to this version (tests build old databases with it). @default latestSchemaVersion */
  targetVersion?: number;
}

/**
 * Opens (creating on first use) `<stateDir>/state.db` in WAL mode with foreign
 * keys on, and migrates it. WAL lets `history` read while an apply writes;
 * busy_timeout makes concurrent writers from several processes queue instead
 * of failing with SQLITE_BUSY.
 */
export function openDatabase(stateDir: string, options: OpenDatabaseOptions = {}): Database.Database {
  // Switching a new file to WAL (and the first migration) takes locks that
  // SQLite's busy handler does not wait for: when two processes start on a
  // fresh state dir at once, the loser retries instead of failing.
  const deadline = Date.now() + (options.busyTimeoutMs ?? 10_000);
  for (let delayMs = 10; ; delayMs = Math.min(delayMs * 2, 200)) {
    try {
      return openDatabaseOnce(stateDir, options);
    } catch (error) {
      if (!isBusy(error) || Date.now() + delayMs > deadline) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, delayMs);
    }
  }
}

function isBusy(error: unknown): boolean {
  const cause = error instanceof StackfleetError ? (error.cause as { code?: string } | undefined) : (error as { code?: string });
  return typeof cause?.code === 'string' && cause.code.startsWith('SQLITE_BUSY');
}

function openDatabaseOnce(stateDir: string, options: OpenDatabaseOptions): Database.Database {
  const path = stateDatabasePath(stateDir);
  let db: Database.Database | undefined;
  try {
    createPrivateDatabase(stateDir, path);
    db = new Database(path);
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 10_000}`);
    db.pragma('journal_mode = WAL');
    // In WAL mode NORMAL survives a killed process (kill -9) without losing a
    // committed transaction; only an OS crash or power loss can drop the last
    // ones. It saves an fsync per write, which a run makes several per stack.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    applyMigrations(db, options.targetVersion ?? latestSchemaVersion, path);
    return db;
  } catch (error) {
    db?.close();
    if (error instanceof StackfleetError) throw error;
    throw new StackfleetError('E_STATE_OPEN', `cannot open the state database "${path}": ${(error as Error).message}`, {
      hint: 'Check that settings.stateDir points to a writable directory and that state.db is a stackfleet database.',
      cause: error,
    });
  }
}

/**
 * The state dir and the database are private whatever the umask: the dir is
 * created 0700 and state.db 0600 before SQLite opens it, because SQLite gives
 * the WAL and shared-memory files the database file's permissions.
 */
function createPrivateDatabase(stateDir: string, path: string): void {
  // The umask can only take bits away from 0700.
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const fd = openSync(path, 'a', 0o600);
  try {
    fchmodSync(fd, 0o600); // also a database created before files were private
  } finally {
    closeSync(fd);
  }
}
