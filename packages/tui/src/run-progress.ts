/** Run progress numbers derived from a {@link RunViewState}: done/total and an ETA. */
import type { RunViewState } from './run-view-state.js';

export interface RunProgress {
  done: number;
  total: number;
  /** Estimated milliseconds left; undefined until a stack that really ran has finished. */
  etaMs?: number;
}

/**
 * With `expected` durations (from earlier runs of the same stacks): the
 * expected work of every stack not finished yet, spread over `concurrency`
 * (a stack with no history counts as the average of those that have one).
 * Without: the average duration of the stacks that ran so far × the remaining
 * "waves" of `concurrency` stacks. Skipped and denied stacks, and those kept
 * from before a resume, take no time, so they are not averaged.
 */
export function computeRunProgress(state: RunViewState, expected?: ReadonlyMap<string, number>): RunProgress {
  const total = state.order.length;
  const done = state.finished.length;
  if (expected && expected.size > 0 && state.status === undefined) {
    const known = [...expected.values()];
    const fallback = known.reduce((sum, value) => sum + value, 0) / known.length;
    const finished = new Set(state.finished.map((stack) => stack.name));
    let remainingMs = 0;
    for (const name of state.order) if (!finished.has(name)) remainingMs += expected.get(name) ?? fallback;
    return { done, total, etaMs: Math.round(remainingMs / Math.max(1, state.concurrency)) };
  }
  let ranCount = 0;
  let ranMs = 0;
  for (const stack of state.finished) {
    if (stack.status === 'skipped' || stack.status === 'denied' || stack.kept) continue;
    ranCount += 1;
    ranMs += stack.durationMs;
  }
  if (ranCount === 0 || state.status !== undefined) return { done, total };
  const waves = Math.ceil((total - done) / Math.max(1, state.concurrency));
  return { done, total, etaMs: Math.round((ranMs / ranCount) * waves) };
}
