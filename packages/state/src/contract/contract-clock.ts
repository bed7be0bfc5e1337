/** The contract suite's fixed clock: times are offsets from 2030-01-01, never the machine's clock. */
const t0 = Date.parse('2030-01-01T00:00:00.000Z');

export const at = (offsetMs: number): Date => new Date(t0 + offsetMs);
export const iso = (offsetMs: number): string => at(offsetMs).toISOString();
