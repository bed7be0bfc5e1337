/**
 * Current outputs per stack. Non-sensitive values are plaintext JSON;
 * sensitive ones are sealed with AES-256-GCM and never written in clear.
 */
import { parseStoredJson, sqlText } from './parse-stored-json.js';
import { prepareCached, runTransaction } from './prepare-cached.js';
import type Database from 'better-sqlite3';
import type { Outputs, StoredOutputs } from '@stackfleet/core';
import { openOutputValue, sealOutputValue } from './output-cipher.js';

interface StackOutputsRow {
  stack: string;
  run_id: string;
  updated_at: string;
}

interface OutputValueRow {
  name: string;
  sensitive: number;
  value_json: string | null;
  sealed: Buffer | null;
}

/** Supplies the encryption key only when a sensitive value needs it. */
export type KeyProvider = () => Buffer;

/** Replaces the stack's outputs as a whole: names missing from `outputs` are dropped. */
export function writeOutputs(
  db: Database.Database,
  readKey: KeyProvider,
  stack: string,
  outputs: Outputs,
  runId: string,
  updatedAt: string,
): void {
  // Seal before the transaction so key-file IO never happens while holding the write lock.
  const rows = Object.entries(outputs).map(([name, output]) => ({
    stack,
    name,
    sensitive: output.sensitive ? 1 : 0,
    value_json: output.sensitive ? null : (JSON.stringify(output.value) ?? 'null'),
    sealed: output.sensitive ? sealOutputValue(readKey(), stack, name, output.value) : null,
  }));
  runTransaction(db, () => {
    prepareCached(db, 
      `INSERT INTO stack_outputs (stack, run_id, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (stack) DO UPDATE SET run_id = excluded.run_id, updated_at = excluded.updated_at`,
    ).run(stack, runId, updatedAt);
    prepareCached(db, 'DELETE FROM output_values WHERE stack = ?').run(stack);
    const insert = prepareCached(db, 
      'INSERT INTO output_values (stack, name, sensitive, value_json, sealed) VALUES (@stack, @name, @sensitive, @value_json, @sealed)',
    );
    for (const row of rows) insert.run(row);
  }, { immediate: true });
}

export function readOutputs(db: Database.Database, readKey: KeyProvider, stack: string): StoredOutputs | undefined {
  const head = prepareCached(db, 'SELECT * FROM stack_outputs WHERE stack = ?').get(stack) as StackOutputsRow | undefined;
  if (!head) return undefined;
  const rows = prepareCached(db, 'SELECT name, sensitive, value_json, sealed FROM output_values WHERE stack = ? ORDER BY name')
    .all(stack) as OutputValueRow[];
  const outputs: Outputs = {};
  for (const row of rows) {
    const sensitive = row.sensitive === 1;
    const value = sensitive
      ? openOutputValue(readKey(), stack, row.name, row.sealed ?? Buffer.alloc(0))
      : parseStoredJson<unknown>(db, row.value_json ?? 'null', { table: 'output_values', where: `stack = ${sqlText(stack)} AND name = ${sqlText(row.name)}`, column: 'value_json' });
    outputs[row.name] = { value, sensitive };
  }
  return { stack, outputs, runId: head.run_id, updatedAt: head.updated_at };
}

export function deleteOutputs(db: Database.Database, stack: string): void {
  // output_values rows go with it (ON DELETE CASCADE).
  prepareCached(db, 'DELETE FROM stack_outputs WHERE stack = ?').run(stack);
}
