/**
 * Versioned schema migrations for the PostgreSQL store, append-only like the
 * SQLite list (databases in the field were made by the old entries). Every
 * table is keyed by `fleet`, so many fleets (and many checkouts of one fleet)
 * share one database. The version lives in `stackfleet_schema`, written in the
 * same transaction as the DDL; an advisory transaction lock makes two processes
 * that open a fresh database at once migrate it exactly once.
 */
import type { PoolClient } from 'pg';
import { StackfleetError } from '@stackfleet/core';

export interface PgMigration {
  version: number;
  description: string;
  sql: string;
}

export const pgMigrations: readonly PgMigration[] = [
  {
    version: 1,
    description: 'runs, stack runs, outputs, locks, drift (per fleet)',
    sql: `
      CREATE TABLE runs (
        fleet         TEXT NOT NULL,
        id            TEXT NOT NULL,
        seq           BIGSERIAL,
        command       TEXT NOT NULL,
        selection     JSONB NOT NULL,
        stacks        JSONB NOT NULL,
        started_by    TEXT NOT NULL,
        host          TEXT NOT NULL,
        pid           INTEGER NOT NULL,
        repo_shas     JSONB NOT NULL,
        manifest_path TEXT NOT NULL,
        started_at    TEXT NOT NULL,
        finished_at   TEXT,
        status        TEXT NOT NULL,
        PRIMARY KEY (fleet, id)
      );
      CREATE INDEX runs_by_started ON runs (fleet, started_at DESC, seq DESC);
      CREATE TABLE stack_runs (
        fleet       TEXT NOT NULL,
        run_id      TEXT NOT NULL,
        stack       TEXT NOT NULL,
        seq         BIGSERIAL,
        state       TEXT NOT NULL,
        phase       TEXT,
        attempt     INTEGER NOT NULL,
        exit_code   INTEGER,
        started_at  TEXT,
        finished_at TEXT,
        duration_ms DOUBLE PRECISION,
        changes     JSONB,
        reason      TEXT,
        log_file    TEXT,
        PRIMARY KEY (fleet, run_id, stack),
        FOREIGN KEY (fleet, run_id) REFERENCES runs (fleet, id) ON DELETE CASCADE
      );
      CREATE INDEX stack_runs_by_stack ON stack_runs (fleet, stack);
      CREATE TABLE stack_outputs (
        fleet      TEXT NOT NULL,
        stack      TEXT NOT NULL,
        run_id     TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (fleet, stack)
      );
      CREATE TABLE output_values (
        fleet      TEXT NOT NULL,
        stack      TEXT NOT NULL,
        name       TEXT NOT NULL,
        sensitive  BOOLEAN NOT NULL,
        value_json TEXT,
        sealed     BYTEA,
        PRIMARY KEY (fleet, stack, name),
        FOREIGN KEY (fleet, stack) REFERENCES stack_outputs (fleet, stack) ON DELETE CASCADE,
        CHECK ((sensitive AND value_json IS NULL) OR (NOT sensitive AND sealed IS NULL))
      );
      CREATE TABLE locks (
        fleet       TEXT NOT NULL,
        stack       TEXT NOT NULL,
        host        TEXT NOT NULL,
        pid         INTEGER NOT NULL,
        run_id      TEXT NOT NULL,
        acquired_ms BIGINT NOT NULL,
        expires_ms  BIGINT NOT NULL,
        PRIMARY KEY (fleet, stack)
      );
      CREATE TABLE drift (
        fleet      TEXT NOT NULL,
        id         BIGSERIAL PRIMARY KEY,
        stack      TEXT NOT NULL,
        run_id     TEXT NOT NULL,
        checked_at TEXT NOT NULL,
        status     TEXT NOT NULL,
        changes    JSONB,
        remediated BOOLEAN,
        message    TEXT
      );
      CREATE INDEX drift_by_stack_checked ON drift (fleet, stack, checked_at DESC, id DESC);
    `,
  },
  {
    version: 2,
    description: 'work queue for distributed runs: queued runs, stack nodes with dependency counters, edges',
    sql: `
      CREATE TABLE queue_runs (
        fleet     TEXT NOT NULL,
        run_id    TEXT NOT NULL,
        payload   JSONB NOT NULL,
        limits    JSONB NOT NULL,
        cancelled BOOLEAN NOT NULL DEFAULT FALSE,
        PRIMARY KEY (fleet, run_id)
      );
      CREATE TABLE queue_nodes (
        fleet        TEXT NOT NULL,
        run_id       TEXT NOT NULL,
        stack        TEXT NOT NULL,
        pool         TEXT NOT NULL,
        labels       JSONB NOT NULL,
        priority     DOUBLE PRECISION NOT NULL,
        pending      INTEGER NOT NULL,          -- upstreams not finished yet
        state        TEXT NOT NULL,             -- waiting | ready | claimed | done | skipped
        status       TEXT,
        reason       TEXT,
        worker_id    TEXT,
        fence        BIGINT NOT NULL DEFAULT 0, -- bumped on every claim: the fencing token
        attempt      INTEGER NOT NULL DEFAULT 0,
        lease_ms     BIGINT,
        PRIMARY KEY (fleet, run_id, stack),
        FOREIGN KEY (fleet, run_id) REFERENCES queue_runs (fleet, run_id) ON DELETE CASCADE
      );
      CREATE INDEX queue_nodes_claimable ON queue_nodes (fleet, pool, state, priority DESC, stack);
      CREATE TABLE queue_edges (
        fleet     TEXT NOT NULL,
        run_id    TEXT NOT NULL,
        upstream  TEXT NOT NULL,
        dependent TEXT NOT NULL,
        PRIMARY KEY (fleet, run_id, upstream, dependent),
        FOREIGN KEY (fleet, run_id) REFERENCES queue_runs (fleet, run_id) ON DELETE CASCADE
      );
    `,
  },
  {
    version: 3,
    description: 'saved plans (plan --save, apply --from-plan)',
    sql: `
      CREATE TABLE saved_plans (
        fleet      TEXT NOT NULL,
        run_id     TEXT NOT NULL,
        stack      TEXT NOT NULL,
        created_at TEXT NOT NULL,
        record     JSONB NOT NULL,
        PRIMARY KEY (fleet, run_id, stack)
      );
    `,
  },
  {
    version: 4,
    description: 'run events and log lines that workers write and followers read; worker heartbeats',
    sql: `
      CREATE TABLE run_events (
        fleet  TEXT NOT NULL,
        run_id TEXT NOT NULL,
        seq    BIGSERIAL,
        stack  TEXT,
        type   TEXT NOT NULL,
        event  JSON NOT NULL,          -- json, not jsonb: followers print the event as the worker wrote it (key order)
        PRIMARY KEY (fleet, run_id, seq)
      );
      CREATE TABLE queue_workers (
        fleet        TEXT NOT NULL,
        worker_id    TEXT NOT NULL,
        pool         TEXT NOT NULL,
        last_seen_ms BIGINT NOT NULL,
        PRIMARY KEY (fleet, worker_id)
      );
    `,
  },
  {
    version: 5,
    description: 'policy decisions and approvals of runs',
    sql: `
      CREATE TABLE policy_decisions (
        fleet   TEXT NOT NULL,
        id      BIGSERIAL PRIMARY KEY,
        run_id  TEXT NOT NULL,
        stack   TEXT,
        policy  TEXT NOT NULL,
        rule    TEXT NOT NULL,
        effect  TEXT NOT NULL,
        message TEXT NOT NULL,
        at      TEXT NOT NULL,
        FOREIGN KEY (fleet, run_id) REFERENCES runs (fleet, id) ON DELETE CASCADE
      );
      CREATE INDEX policy_decisions_by_run ON policy_decisions (fleet, run_id, id);
      CREATE TABLE approvals (
        fleet   TEXT NOT NULL,
        id      BIGSERIAL PRIMARY KEY,
        run_id  TEXT NOT NULL,
        stack   TEXT,
        by_login TEXT NOT NULL,
        at      TEXT NOT NULL,
        comment TEXT,
        FOREIGN KEY (fleet, run_id) REFERENCES runs (fleet, id) ON DELETE CASCADE
      );
      CREATE INDEX approvals_by_run ON approvals (fleet, run_id, id);
    `,
  },
  {
    version: 6,
    description: 'saved plans keep their terraform plan file, sealed (an apply on another machine restores it)',
    sql: `
      ALTER TABLE saved_plans ADD COLUMN plan_file BYTEA;   -- AES-256-GCM, see output-cipher.ts
    `,
  },
  {
    version: 7,
    description: 'trigger semantics on workers: stacks in a run only as dependents, and whether an apply changed its outputs',
    sql: `
      ALTER TABLE queue_nodes
        ADD COLUMN only_as_dependent BOOLEAN NOT NULL DEFAULT FALSE,
        ADD COLUMN outputs_changed BOOLEAN;
    `,
  },
  {
    version: 8,
    description: 'claims without the fleet lock (nodes with a label settings.limits caps are marked, with their own index), and an index of open nodes',
    sql: `
      ALTER TABLE queue_nodes ADD COLUMN limited BOOLEAN NOT NULL DEFAULT FALSE;
      -- Existing queued nodes: marked as queueing marks new ones.
      UPDATE queue_nodes n SET limited = TRUE FROM queue_runs r
        WHERE r.fleet = n.fleet AND r.run_id = n.run_id AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(n.labels) AS l(label) WHERE r.limits ? l.label);
      CREATE INDEX queue_nodes_limited_ready ON queue_nodes (fleet, pool, priority DESC, stack) WHERE state = 'ready' AND limited;
      -- Whether a run is drained, asked with every completion: without it, a walk over the run's finished nodes.
      CREATE INDEX queue_nodes_open ON queue_nodes (fleet, run_id) WHERE state IN ('waiting', 'ready', 'claimed');
    `,
  },
  {
    version: 9,
    description: 'policy decisions keep who satisfied a require_approval (show RUN says it)',
    sql: `
      ALTER TABLE policy_decisions ADD COLUMN approved_by TEXT;   -- JSON array of logins; NULL: none (or not a require_approval)
    `,
  },
  {
    version: 10,
    description: 'the plans run policies judged, kept with the run (apply --from-plan and resume judge a re-planned stack with them)',
    sql: `
      CREATE TABLE run_policy_plans (
        fleet    TEXT NOT NULL,
        run_id   TEXT NOT NULL,
        awaiting BOOLEAN NOT NULL,              -- the judgement left the run awaiting an approval
        at       TEXT NOT NULL,
        plans    TEXT NOT NULL,                 -- JSON [{stack, plan}], sanitized: never a secret
        PRIMARY KEY (fleet, run_id),
        FOREIGN KEY (fleet, run_id) REFERENCES runs (fleet, id) ON DELETE CASCADE
      );
    `,
  },
];

export const latestPgSchemaVersion: number = pgMigrations.length;

/** Any fixed number: the advisory lock that serializes migrations across processes. */
const migrationLockKey = 0x5f1ee7;

/**
 * Brings the database to `targetVersion` (default: latest) in one transaction;
 * refuses a database written by a newer stackfleet and leaves it untouched.
 */
export async function applyPgMigrations(
  client: PoolClient,
  where: string,
  targetVersion: number = latestPgSchemaVersion,
): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [migrationLockKey]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS stackfleet_schema (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)',
    );
    const result = await client.query<{ version: number }>('SELECT version FROM stackfleet_schema WHERE id = 1');
    const current = result.rows[0]?.version ?? 0;
    if (current > latestPgSchemaVersion) {
      throw new StackfleetError(
        'E_STATE_SCHEMA_NEWER',
        `the state database ${where} has schema version ${current} but this stackfleet knows up to ${latestPgSchemaVersion}`,
        { hint: 'A newer stackfleet migrated this database; upgrade stackfleet (npm install stackfleet@latest) on this machine too.' },
      );
    }
    for (const migration of pgMigrations) {
      if (migration.version <= current || migration.version > targetVersion) continue;
      await client.query(migration.sql);
      await client.query(
        'INSERT INTO stackfleet_schema (id, version) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET version = excluded.version',
        [migration.version],
      );
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
