import type { RunEvent, StackLogEvent } from '@stackfleet/core';

/**
 * Every event of one run, in order, for the UI's late subscribers (a run view
 * mounts after the run started; the fleet UI may mount one again).
 *
 * Log lines are most of a long run's events and were kept as the event
 * objects: ~150 bytes a line over the line itself (the object, its own
 * `at` string), ~150 MB for a million lines, in the process that forks every
 * stack (issue #17; docs/benchmarks.md). A log event is kept as its line, its
 * stack and one number (time and stream) and rebuilt, equal, on replay; one
 * whose `at` or run id would not come back the same is kept as it was.
 */
export class RunHistory {
  /** The events, a log event as the index of its columns below. */
  private readonly events: (RunEvent | number)[] = [];
  private readonly lines: string[] = [];
  private readonly stacks: string[] = [];
  /** Milliseconds since the epoch × 2, + 1 for stderr. */
  private readonly stamps: number[] = [];
  private runId: string | undefined;

  append(event: RunEvent): void {
    this.runId ??= event.runId;
    if (event.type === 'stack.log' && event.runId === this.runId) {
      const ms = Date.parse(event.at);
      if (!Number.isNaN(ms) && new Date(ms).toISOString() === event.at) {
        this.events.push(this.lines.length);
        this.lines.push(event.line);
        this.stacks.push(event.stack);
        this.stamps.push(ms * 2 + (event.stream === 'stderr' ? 1 : 0));
        return;
      }
    }
    this.events.push(event);
  }

  /** Calls `listener` with each event so far, in order. */
  replay(listener: (event: RunEvent) => void): void {
    for (const entry of this.events) listener(typeof entry === 'number' ? this.rebuildLog(entry) : entry);
  }

  private rebuildLog(index: number): StackLogEvent {
    const stamp = this.stamps[index]!;
    return {
      type: 'stack.log',
      runId: this.runId!,
      stack: this.stacks[index]!,
      stream: stamp % 2 === 1 ? 'stderr' : 'stdout',
      line: this.lines[index]!,
      at: new Date(Math.floor(stamp / 2)).toISOString(),
    };
  }
}
