import { isCompletedStatus, type Store } from '@stackfleet/core';

/**
 * Typical duration of each stack from its last completed runs (the median of
 * up to five), for the UI's ETA. Stacks that never completed are left out.
 *
 * `yieldEvery`: let the event loop run after that many stacks. The live view
 * reads the history while its run is already going (start-live-view.ts), and
 * the store's queries are synchronous underneath: 2,000 of them in one go
 * would hold the scheduler up for ~50 ms (more on a busy machine).
 * `excludeRunId`: the run being shown, whose own rows are not its history.
 */
export async function readExpectedDurations(
  store: Store,
  stacks: readonly string[],
  options: { yieldEvery?: number; excludeRunId?: string } = {},
): Promise<Map<string, number>> {
  const expected = new Map<string, number>();
  const { excludeRunId } = options;
  for (const [index, stack] of stacks.entries()) {
    if (options.yieldEvery !== undefined && index > 0 && index % options.yieldEvery === 0) await new Promise((resolve) => setImmediate(resolve));
    const rows = await store.listStackHistory(stack, excludeRunId === undefined ? 10 : 11);
    const durations = (excludeRunId === undefined ? rows : rows.filter((row) => row.runId !== excludeRunId).slice(0, 10))
      .filter((row) => isCompletedStatus(row.state) && row.durationMs !== undefined)
      .slice(0, 5)
      .map((row) => row.durationMs!)
      .sort((a, b) => a - b);
    if (durations.length > 0) expected.set(stack, durations[Math.floor(durations.length / 2)]!);
  }
  return expected;
}
