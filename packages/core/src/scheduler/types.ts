/** Where one stack is in a run. `succeeded` also covers stacks done in an earlier run (`markDone`). */
export type ScheduledState = 'pending' | 'ready' | 'running' | 'succeeded' | 'failed' | 'skipped';

export interface SchedulerOptions {
  /** The stacks of the run; order does not matter (ties break by name). */
  stacks: readonly string[];
  /** Upstream stacks a stack waits for; names outside `stacks` are ignored (they are not in this run). */
  needs: (name: string) => readonly string[];
  labels: (name: string) => readonly string[];
  /** Most stacks running at once (`-j`); `Infinity` is allowed. */
  concurrency: number;
  /** label -> most running stacks carrying it (`settings.limits`). */
  limits: Readonly<Record<string, number>>;
  /** Expected duration per stack, for critical-path ordering. @default 1 for every stack */
  weights?: Readonly<Record<string, number>>;
}

/** A stack that will never start, and why (`dependency network failed`). */
export interface SkippedStack {
  stack: string;
  reason: string;
}

/**
 * The pure state machine behind a run: no clock, no IO. The runner asks
 * `next()` for stacks to start and reports each outcome back. All bookkeeping
 * is O(V + E) over a whole run: in-degree counters, no graph copies.
 */
export interface Scheduler {
  /**
   * Every stack that may start now (marked running), in priority order:
   * longest remaining chain first, then name. Respects `concurrency` and
   * `limits`; a stack held back by a label cap never holds back others.
   */
  next(): string[];
  /** A running stack finished well; its dependents may become ready. */
  complete(name: string): void;
  /**
   * A running stack failed; returns its not-yet-started transitive dependents,
   * now skipped (`dependency X failed`), in `stacks` order. Independent stacks go on.
   */
  fail(name: string, reason: string): SkippedStack[];
  /** A running stack ended without doing its work (e.g. denied by policy); dependents are skipped like after `fail`. */
  skip(name: string, reason: string, dependentsReason?: string): SkippedStack[];
  /**
   * Fail-fast or Ctrl-C: nothing new starts; returns every never-started stack,
   * now skipped with `reason`, in `stacks` order. Running stacks still report back.
   */
  stopStarting(reason: string): SkippedStack[];
  /** Resume: stacks finished by an earlier run count as succeeded. Only for stacks that have not started. */
  markDone(names: Iterable<string>): void;
  /** No stack is pending, ready or running. */
  isFinished(): boolean;
  /** Running stacks, sorted by name. */
  running(): string[];
  stateOf(name: string): ScheduledState;
  /** The failure or skip reason, if any. */
  reasonOf(name: string): string | undefined;
  /** Sum of weights along the longest path from this stack to the end of the run, itself included. */
  remainingChainOf(name: string): number;
}
