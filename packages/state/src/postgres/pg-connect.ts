/**
 * Connecting to PostgreSQL: the pg module (loaded on first use), the pool's
 * settings, and the one clear error a connection failure becomes.
 */
import { createRequire } from 'node:module';
import type { Client, ClientConfig, Pool, PoolConfig } from 'pg';
import { StackfleetError } from '@stackfleet/core';

/**
 * pg is loaded when a PostgreSQL store opens, not with the store's module:
 * every command that can open a store imports it, and pg at import time (with
 * Node's fetch implementation, which pg's stream helper touches) costs
 * ~0.2 s of start-up and makes the process larger, hence every stack
 * process's fork slower, in runs that use SQLite.
 */
interface PgModule {
  Pool: new (config: PoolConfig) => Pool;
  Client: new (config: ClientConfig) => Client;
}
function loadPg(): PgModule {
  return createRequire(import.meta.url)('pg') as PgModule;
}

/** How long the server lets a session sit idle inside a transaction before ending it (see the pool). */
const IDLE_IN_TRANSACTION_MS = 5_000;

/** PostgreSQL error codes that mean "the database is not usable as given" rather than a bug. */
const connectionErrorCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN', '28P01', '28000', '3D000', '57P03']);

export function createPgPool(url: string, maxConnections: number, idleTimeoutMs: number): Pool {
  return new (loadPg().Pool)({
    connectionString: url,
    max: maxConnections,
    idleTimeoutMillis: idleTimeoutMs,
    connectionTimeoutMillis: 10_000,
    application_name: 'stackfleet',
    // Our transactions are milliseconds long. A process that stops in the middle of
    // one (a paused VM, SIGSTOP) would otherwise hold its row and advisory locks
    // forever: no other worker could claim a stack of the fleet or take its stack over.
    // The server ends such a session after this long, releasing them.
    idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_MS,
  });
}

const WARM_TABLES = ['queue_nodes', 'queue_runs', 'queue_edges', 'stack_runs', 'locks', 'run_events', 'stack_outputs', 'output_values'];

/**
 * `count` connections of the pool set up at once, each having planned a
 * statement over the tables a stack's round trips touch: a new server process
 * reads their catalog entries once, on its first statement that names them.
 */
export async function openPgConnections(pool: Pool, count: number): Promise<void> {
  const clients = await Promise.all(Array.from({ length: count }, () => pool.connect()));
  try {
    await Promise.all(
      clients.map((client) =>
        // One round trip (a simple query may hold several statements).
        client.query(WARM_TABLES.map((table) => `SELECT FROM ${table} LIMIT 0;`).join(' ')),
      ),
    );
  } finally {
    for (const client of clients) client.release();
  }
}

/** A connection of its own for LISTEN (a pooled one would be handed to queries). */
export function createPgListenClient(config: ClientConfig): Client {
  return new (loadPg().Client)(config);
}

export function isConnectionError(error: unknown): boolean {
  return connectionErrorCodes.has((error as { code?: string }).code ?? '');
}

/** `E_STATE_CONNECT` naming the database (password redacted) and what to check. */
export function describeConnectionError(error: unknown, where: string, urlSecrets: readonly string[]): StackfleetError {
  let message = (error as Error).message ?? String(error);
  for (const secret of urlSecrets) message = message.replaceAll(secret, '***');
  return new StackfleetError('E_STATE_CONNECT', `cannot use the state database ${where}: ${message}`, {
    hint: isConnectionError(error)
      ? 'Check STACKFLEET_STATE_URL (or settings.state.url): host, port, user, password and database name, and that the server accepts connections from this machine.'
      : 'Check that the URL points to a PostgreSQL database this user may create tables in.',
    cause: error,
  });
}
