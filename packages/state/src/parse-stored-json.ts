import type Database from 'better-sqlite3';
import { StackfleetError } from '@stackfleet/core';

/** One JSON cell of the state database: which table, which row (as a SQL condition), which column. */
export interface StoredJsonCell {
  table: string;
  /** The row's key as SQL, e.g. `id = '20260101-...'`: quoted in the message and in the fix. */
  where: string;
  column: string;
}

/**
 * Decodes a JSON column. A row damaged by hand, by a disk fault or by a
 * foreign tool is the user's to repair, so the error names the database
 * file, the table, the row and the column, and gives the statement that
 * removes the row, instead of an `internal error: SyntaxError`.
 *
 * @throws StackfleetError `E_STATE_CORRUPT_ROW`.
 */
export function parseStoredJson<T>(db: Database.Database, text: string, cell: StoredJsonCell): T {
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new StackfleetError(
      'E_STATE_CORRUPT_ROW',
      `the state database "${db.name}" has a damaged row: table ${cell.table}, row ${cell.where}, column ${cell.column} is not valid JSON (${(error as Error).message})`,
      {
        hint: `restore the database from a backup, or remove the row: sqlite3 "${db.name}" "DELETE FROM ${cell.table} WHERE ${cell.where}"${cell.table === 'output_values' ? ' and apply the stack again to rewrite its outputs' : ''}`,
        cause: error,
      },
    );
  }
}

/** A text value as a SQL string literal. */
export function sqlText(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
