import type { Outputs } from '@stackfleet/core';
import type { Masker } from './masker.js';

/**
 * Masks every string inside a JSON-like value (events, stored records, error
 * details), keys included. Returns a copy; the input is not changed.
 */
export function maskDeep<T>(value: T, masker: Masker): T {
  return maskValue(value, masker) as T;
}

function maskValue(value: unknown, masker: Masker): unknown {
  if (typeof value === 'string') return masker.mask(value);
  if (Array.isArray(value)) return value.map((item) => maskValue(item, masker));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [masker.mask(key), maskValue(item, masker)]),
    );
  }
  return value;
}

/**
 * The strings to mask for a stack's sensitive outputs: string values as is,
 * anything else as JSON (how it would be printed), plus the strings nested
 * inside objects and lists (how they appear when printed on their own).
 */
export function sensitiveOutputValues(outputs: Outputs): string[] {
  const values: string[] = [];
  for (const output of Object.values(outputs)) {
    if (output.sensitive) collectStrings(output.value, values, true);
  }
  return values;
}

function collectStrings(value: unknown, into: string[], top: boolean): void {
  if (typeof value === 'string') {
    into.push(value);
    return;
  }
  if (value === null || value === undefined) return;
  if (top || typeof value === 'object') into.push(JSON.stringify(value));
  if (typeof value === 'object') {
    for (const item of Object.values(value)) collectStrings(item, into, false);
  }
}
