/**
 * Queue notifications over PostgreSQL's LISTEN/NOTIFY, so idle workers and
 * followers wake when something happens instead of polling fast: a
 * transaction that makes stacks claimable notifies `stackfleet_ready`, one
 * that appends a run's events `stackfleet_events`. Delivered at commit (never
 * before the rows are visible) and folded within a transaction. Best effort:
 * listeners still poll, slowly, for what sends no notification (an expired
 * lease) and for a dropped listening connection.
 */
import type { Client, ClientConfig, PoolClient } from 'pg';
import type { QueueChange } from '@stackfleet/core';

const READY = 'stackfleet_ready';
const EVENTS = 'stackfleet_events';

export async function notifyReady(client: PoolClient, fleet: string): Promise<void> {
  await client.query(`SELECT ${notifyReadySql('$1')}`, [fleet]);
}

/** The notification as an SQL expression over the statement's parameters (so it rides along another statement). */
export function notifyReadySql(fleetParam: string): string {
  return `pg_notify('${READY}', ${fleetParam})`;
}

export function notifyEventsSql(fleetParam: string, runIdParam: string): string {
  return `pg_notify('${EVENTS}', json_build_array(${fleetParam}::text, ${runIdParam}::text)::text)`;
}

/**
 * Listens on a connection of its own (never one of the pool's, which the
 * caller's queries need). Resolves to a function that stops listening.
 */
export async function listenQueue(
  createClient: (config: ClientConfig) => Client,
  config: ClientConfig,
  fleet: string,
  onChange: (change: QueueChange) => void,
): Promise<() => Promise<void>> {
  const client = createClient(config);
  // A dropped connection only means slower wake-ups (the callers' polls go on); it must not crash the process.
  client.on('error', () => undefined);
  client.on('notification', (message) => {
    if (message.channel === READY && message.payload === fleet) onChange({ kind: 'ready' });
    if (message.channel !== EVENTS || message.payload === undefined) return;
    // json_build_array's text form: ["fleet", "run"] (with a space after the comma); JSON either way.
    const [notified, runId] = JSON.parse(message.payload) as [string, string];
    if (notified === fleet) onChange({ kind: 'events', runId });
  });
  await client.connect();
  await client.query(`LISTEN ${READY}`);
  await client.query(`LISTEN ${EVENTS}`);
  return async () => {
    await client.end().catch(() => undefined);
  };
}
