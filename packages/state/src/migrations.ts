/**
 * Versioned schema migrations. Each entry moves the database from version
 * `index` to `index + 1`; entries are never edited once released, only
 * appended, because databases in the field were created by the old ones.
 * The version lives in SQLite's `PRAGMA user_version`, which is written in the
 * same transaction as the DDL, so a crash mid-migration leaves no half state.
 */
import type Database from 'better-sqlite3';
import { StackfleetError } from '@stackfleet/core';

export interface Migration {
  /** The version the database has after this migration. */
  version: number;
  description: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    description: 'runs, stack runs, outputs, locks, drift',
    sql: `
      CREATE TABLE runs (
        id            TEXT PRIMARY KEY,
        command       TEXT NOT NULL,
        selection     TEXT NOT NULL,            -- JSON object
        stacks        TEXT NOT NULL,            -- JSON array, run order
        started_by    TEXT NOT NULL,
        host          TEXT NOT NULL,
        pid           INTEGER NOT NULL,
        repo_shas     TEXT NOT NULL,            -- JSON object repo -> sha
        manifest_path TEXT NOT NULL,
        started_at    TEXT NOT NULL,            -- ISO 8601
        finished_at   TEXT,
        status        TEXT NOT NULL
      );
      CREATE TABLE stack_runs (
        run_id      TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        stack       TEXT NOT NULL,
        state       TEXT NOT NULL,
        phase       TEXT,
        attempt     INTEGER NOT NULL,
        exit_code   INTEGER,
        started_at  TEXT,
        finished_at TEXT,
        duration_ms INTEGER,
        changes     TEXT,                       -- JSON ChangeSummary
        reason      TEXT,
        log_file    TEXT,
        PRIMARY KEY (run_id, stack)
      );
      CREATE TABLE stack_outputs (
        stack      TEXT PRIMARY KEY,
        run_id     TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE output_values (
        stack      TEXT NOT NULL REFERENCES stack_outputs(stack) ON DELETE CASCADE,
        name       TEXT NOT NULL,
        sensitive  INTEGER NOT NULL,
        value_json TEXT,                        -- plaintext JSON, only when not sensitive
        sealed     BLOB,                        -- AES-256-GCM, only when sensitive
        PRIMARY KEY (stack, name)
      );
      CREATE TABLE locks (
        stack       TEXT PRIMARY KEY,
        host        TEXT NOT NULL,
        pid         INTEGER NOT NULL,
        run_id      TEXT NOT NULL,
        acquired_ms INTEGER NOT NULL,           -- epoch milliseconds
        expires_ms  INTEGER NOT NULL
      );
      CREATE TABLE drift (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        stack       TEXT NOT NULL,
        run_id      TEXT NOT NULL,
        checked_at  TEXT NOT NULL,
        status      TEXT NOT NULL,
        changes     TEXT,
        remediated  INTEGER,
        message     TEXT
      );
    `,
  },
  {
    version: 2,
    description: 'indexes for history, newest-first run listings and drift lookups',
    // v1 scanned whole tables for `history STACK`, `listRuns` and `latestDrift`,
    // which grow with every run; these make them index lookups.
    sql: `
      CREATE INDEX runs_by_started ON runs(started_at);
      CREATE INDEX stack_runs_by_stack ON stack_runs(stack);
      CREATE INDEX drift_by_stack_checked ON drift(stack, checked_at);
    `,
  },
  {
    version: 3,
    description: 'saved plans (plan --save, apply --from-plan)',
    // One row per planned stack; the record (digests, never secrets) as JSON.
    sql: `
      CREATE TABLE saved_plans (
        run_id     TEXT NOT NULL,
        stack      TEXT NOT NULL,
        created_at TEXT NOT NULL,
        record     TEXT NOT NULL,             -- JSON SavedPlanRecord
        PRIMARY KEY (run_id, stack)
      );
    `,
  },
  {
    version: 4,
    description: 'policy decisions and approvals of runs',
    sql: `
      CREATE TABLE policy_decisions (
        id      INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id  TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        stack   TEXT,                           -- NULL: an access or run policy
        policy  TEXT NOT NULL,
        rule    TEXT NOT NULL,
        effect  TEXT NOT NULL,
        message TEXT NOT NULL,
        at      TEXT NOT NULL
      );
      CREATE INDEX policy_decisions_by_run ON policy_decisions(run_id);
      CREATE TABLE approvals (
        id      INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id  TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        stack   TEXT,                           -- NULL: the whole run
        by_login TEXT NOT NULL,
        at      TEXT NOT NULL,
        comment TEXT
      );
      CREATE INDEX approvals_by_run ON approvals(run_id);
    `,
  },
  {
    version: 5,
    description: 'saved plans keep their terraform plan file, sealed (an apply on another machine restores it)',
    sql: `
      ALTER TABLE saved_plans ADD COLUMN plan_file BLOB;   -- AES-256-GCM, see output-cipher.ts
    `,
  },
  {
    version: 6,
    description: 'policy decisions keep who satisfied a require_approval (show RUN says it)',
    sql: `
      ALTER TABLE policy_decisions ADD COLUMN approved_by TEXT;   -- JSON array of logins; NULL: none (or not a require_approval)
    `,
  },
  {
    version: 7,
    description: 'the plans run policies judged, kept with the run (apply --from-plan and resume judge a re-planned stack with them)',
    sql: `
      CREATE TABLE run_policy_plans (
        run_id   TEXT PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
        awaiting INTEGER NOT NULL,              -- 1: the judgement left the run awaiting an approval
        at       TEXT NOT NULL,
        plans    TEXT NOT NULL                  -- JSON [{stack, plan}], sanitized: never a secret
      );
    `,
  },
];

/** The schema version this build writes and understands. */
export const latestSchemaVersion: number = migrations.length;

/** Reads `PRAGMA user_version` (0 for a brand new file). */
export function readSchemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings `db` up to `targetVersion` (default: latest) in one IMMEDIATE
 * transaction, so two processes opening a fresh state dir together migrate it
 * exactly once. Refuses a database written by a newer stackfleet.
 */
export function applyMigrations(
  db: Database.Database,
  targetVersion: number = latestSchemaVersion,
  path = 'state.db',
): void {
  const migrate = db.transaction(() => {
    const current = readSchemaVersion(db);
    if (current > latestSchemaVersion) {
      throw new StackfleetError(
        'E_STATE_SCHEMA_NEWER',
        `state.db has schema version ${current} but this stackfleet knows up to ${latestSchemaVersion}`,
        { hint: `A newer stackfleet wrote ${path}; upgrade stackfleet (npm install stackfleet@latest) to use it.` },
      );
    }
    for (const migration of migrations) {
      if (migration.version <= current || migration.version > targetVersion) continue;
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    }
  });
  migrate.immediate();
}
