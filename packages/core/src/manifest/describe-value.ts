import { quoteText } from '../text/quote-text.js';

/** How a YAML value is named in messages: `"prod"`, `2`, `a list`, `a map`. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return `the string ${quoteText(value)}`;
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- objects returned above; what is left is a scalar.
  return String(value);
}

/** zod's expected type names in our words. */
export function describeExpected(expected: string): string {
  switch (expected) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'int':
      return 'a whole number';
    case 'boolean':
      return 'true/false';
    case 'array':
      return 'a list';
    case 'object':
    case 'record':
      return 'a map';
    default:
      return expected;
  }
}

/** How to write a value of the expected type. */
export function hintForExpected(expected: string): string {
  switch (expected) {
    case 'string':
      return 'write text; quote it if YAML reads it as a number, boolean or date';
    case 'number':
    case 'int':
      return 'write a whole number, e.g. 2';
    case 'boolean':
      return 'write true or false';
    case 'array':
      return 'write a list: [a, b] or one "- item" per line';
    case 'object':
    case 'record':
      return 'write a map of "key: value" pairs, e.g. { key: value }';
    default:
      return `write ${describeExpected(expected)}`;
  }
}

/** Reads the value at a key path of plain data; `found` tells an absent key from a null. */
export function readDataAt(data: unknown, path: readonly PropertyKey[]): { found: boolean; value: unknown } {
  let current = data;
  for (const segment of path) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, segment)) {
      return { found: false, value: undefined };
    }
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return { found: true, value: current };
}
