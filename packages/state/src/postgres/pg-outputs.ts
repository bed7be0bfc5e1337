/**
 * Current outputs per stack of one fleet. Non-sensitive values are plaintext
 * JSON; sensitive ones are sealed with AES-256-GCM (the same cipher as the
 * SQLite store) and never written in clear.
 */
import type { Pool, PoolClient } from 'pg';
import type { Outputs, StoredOutputs } from '@stackfleet/core';
import { openOutputValue, sealOutputValue } from '../output-cipher.js';
import type { KeyProvider } from '../sqlite-outputs.js';
import { withTransaction } from './pg-transaction.js';
import { prepared } from './pg-prepared.js';

interface OutputValueRow {
  name: string;
  sensitive: boolean;
  value_json: string | null;
  sealed: Buffer | null;
}

/** Replaces the stack's outputs as a whole: names missing from `outputs` are dropped. */
export async function writeOutputs(
  pool: Pool,
  fleet: string,
  readKey: KeyProvider,
  stack: string,
  outputs: Outputs,
  runId: string,
  updatedAt: string,
): Promise<void> {
  const rows = sealRows(readKey, stack, outputs);
  await withTransaction(pool, (client) => writeOutputRows(client, fleet, stack, rows, runId, updatedAt));
}

export interface OutputRow {
  name: string;
  sensitive: boolean;
  valueJson: string | null;
  sealed: Buffer | null;
}

/** Seals sensitive values before any transaction opens (no key IO while holding locks). */
export function sealRows(readKey: KeyProvider, stack: string, outputs: Outputs): OutputRow[] {
  return Object.entries(outputs).map(([name, output]) => ({
    name,
    sensitive: output.sensitive,
    valueJson: output.sensitive ? null : (JSON.stringify(output.value) ?? 'null'),
    sealed: output.sensitive ? sealOutputValue(readKey(), stack, name, output.value) : null,
  }));
}

/**
 * The writes of `writeOutputs` inside a transaction the caller holds (the
 * work queue's completion): the head and the removal of values no longer
 * output in one statement, the values in one more (none for a stack without
 * outputs), instead of a delete and one insert per value.
 */
export async function writeOutputRows(client: PoolClient, fleet: string, stack: string, rows: OutputRow[], runId: string, updatedAt: string): Promise<void> {
  const names = rows.map((row) => row.name);
  await client.query(
    prepared(
      'write-output-head',
      `WITH stale AS (DELETE FROM output_values WHERE fleet = $1 AND stack = $2 AND NOT (name = ANY ($5::text[])))
     INSERT INTO stack_outputs (fleet, stack, run_id, updated_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (fleet, stack) DO UPDATE SET run_id = excluded.run_id, updated_at = excluded.updated_at`,
      [fleet, stack, runId, updatedAt, names],
    ),
  );
  if (rows.length === 0) return;
  await client.query(
    prepared(
      'write-output-values',
      `INSERT INTO output_values (fleet, stack, name, sensitive, value_json, sealed)
     SELECT $1, $2, v.name, v.sensitive, v.value_json, v.sealed FROM unnest($3::text[], $4::bool[], $5::text[], $6::bytea[]) AS v(name, sensitive, value_json, sealed)
     ON CONFLICT (fleet, stack, name) DO UPDATE SET sensitive = excluded.sensitive, value_json = excluded.value_json, sealed = excluded.sealed`,
      [fleet, stack, names, rows.map((row) => row.sensitive), rows.map((row) => row.valueJson), rows.map((row) => row.sealed)],
    ),
  );
}

export async function readOutputs(pool: Pool, fleet: string, readKey: KeyProvider, stack: string): Promise<StoredOutputs | undefined> {
  // One round trip (a worker reads its upstreams' and its own outputs for every stack): the head, with its values if any.
  const rows = (await pool.query<{ run_id: string; updated_at: string } & { [K in keyof OutputValueRow]: OutputValueRow[K] | null }>(
    prepared(
      'read-outputs',
      `SELECT h.run_id, h.updated_at, v.name, v.sensitive, v.value_json, v.sealed
     FROM stack_outputs h LEFT JOIN output_values v ON v.fleet = h.fleet AND v.stack = h.stack
     WHERE h.fleet = $1 AND h.stack = $2 ORDER BY v.name`,
      [fleet, stack],
    ),
  )).rows;
  const head = rows[0];
  if (!head) return undefined;
  const outputs: Outputs = {};
  for (const row of rows) {
    if (row.name === null) continue;
    const value = row.sensitive
      ? openOutputValue(readKey(), stack, row.name, row.sealed ?? Buffer.alloc(0))
      : (JSON.parse(row.value_json ?? 'null') as unknown);
    outputs[row.name] = { value, sensitive: row.sensitive === true };
  }
  return { stack, outputs, runId: head.run_id, updatedAt: head.updated_at };
}

/**
 * The stored outputs of many stacks in one query (a worker's masker starts
 * from every stack's sensitive values: one query per stack of the fleet
 * was ~0.2 s before a run's first stack on a loaded machine). A stack whose
 * values cannot be opened (no key) is left out, as `readStoredSensitiveValues` does.
 */
export async function readManyOutputs(pool: Pool, fleet: string, readKey: KeyProvider, stacks: readonly string[]): Promise<Map<string, StoredOutputs>> {
  const rows = (await pool.query<{ stack: string; run_id: string; updated_at: string } & { [K in keyof OutputValueRow]: OutputValueRow[K] | null }>(
    prepared(
      'read-many-outputs',
      `SELECT h.stack, h.run_id, h.updated_at, v.name, v.sensitive, v.value_json, v.sealed
     FROM stack_outputs h LEFT JOIN output_values v ON v.fleet = h.fleet AND v.stack = h.stack
     WHERE h.fleet = $1 AND h.stack = ANY ($2::text[]) ORDER BY h.stack, v.name`,
      [fleet, [...stacks]],
    ),
  )).rows;
  const found = new Map<string, StoredOutputs>();
  const unreadable = new Set<string>();
  for (const row of rows) {
    if (unreadable.has(row.stack)) continue;
    let entry = found.get(row.stack);
    if (!entry) found.set(row.stack, (entry = { stack: row.stack, outputs: {}, runId: row.run_id, updatedAt: row.updated_at }));
    if (row.name === null) continue;
    try {
      const value = row.sensitive
        ? openOutputValue(readKey(), row.stack, row.name, row.sealed ?? Buffer.alloc(0))
        : (JSON.parse(row.value_json ?? 'null') as unknown);
      entry.outputs[row.name] = { value, sensitive: row.sensitive === true };
    } catch {
      unreadable.add(row.stack);
      found.delete(row.stack);
    }
  }
  return found;
}

export async function deleteOutputs(pool: Pool, fleet: string, stack: string): Promise<void> {
  await pool.query('DELETE FROM stack_outputs WHERE fleet = $1 AND stack = $2', [fleet, stack]);
}
