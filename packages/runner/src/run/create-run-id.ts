import { randomBytes } from 'node:crypto';

/** Sortable, readable run ids: `20261126-043012-a1b2c3`. */
export function createRunId(now: Date = new Date()): string {
  const iso = now.toISOString();
  const stamp = `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}`;
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}
