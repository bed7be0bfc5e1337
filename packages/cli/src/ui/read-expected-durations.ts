import { isCompletedStatus, type Store } from '@stackfleet/core';

/**
 * Typical duration of each stack from its last completed runs (the median of
 * up to five), for the UI's ETA. Stacks that never completed are left out.
 */
export async function readExpectedDurations(store: Store, stacks: readonly string[]): Promise<Map<string, number>> {
  const expected = new Map<string, number>();
  for (const stack of stacks) {
    const durations = (await store.listStackHistory(stack, 10))
      .filter((row) => isCompletedStatus(row.state) && row.durationMs !== undefined)
      .slice(0, 5)
      .map((row) => row.durationMs!)
      .sort((a, b) => a - b);
    if (durations.length > 0) expected.set(stack, durations[Math.floor(durations.length / 2)]!);
  }
  return expected;
}
