/**
 * The most values (list elements and map entries, counted through every
 * level) one CEL variable may hold. CEL has no loops, but variables can
 * double a list each (`v2: variables.v1 + variables.v1`): sixty of them ask
 * for 2^60 elements, and V8 ends the whole process when an array outgrows
 * what it can hold (no exception to catch). A variable past this limit
 * fails its policy (a deny) long before that; a plan of 10,000 resource
 * changes with their attributes is well under it.
 */
export const MAX_VARIABLE_VALUES = 2_000_000;

/**
 * Throws when `value` holds more than `limit` values. Stops counting at the
 * limit, so a runaway value costs no more than the limit to refuse. Values
 * are CEL results: lists, plain maps, Maps, scalars (no cycles).
 */
export function checkValueSize(value: unknown, limit = MAX_VARIABLE_VALUES): void {
  let count = 0;
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (next === null || typeof next !== 'object') continue;
    const children = Array.isArray(next) ? next : next instanceof Map ? [...next.values()] : Object.values(next);
    count += children.length;
    if (count > limit) throw new Error(`its value holds more than ${limit.toLocaleString('en-US')} list elements or map entries: an expression that grows without bound (each variable doubling the last?)`);
    for (const child of children) if (child !== null && typeof child === 'object') pending.push(child);
  }
}
