import type { RunEvent } from '@stackfleet/core';
import { describe, expect, it } from 'vitest';
import { RunHistory } from './run-history.js';

const at = (ms: number) => new Date(Date.UTC(2026, 10, 27) + ms).toISOString();

describe('RunHistory', () => {
  it('replays every event equal and in order, log lines kept compactly or, when they would not come back the same, as they were', () => {
    const events: RunEvent[] = [
      { type: 'run.started', runId: 'r1', command: 'apply', stacks: ['a', 'b'], concurrency: 2, at: at(0) },
      { type: 'stack.started', runId: 'r1', stack: 'a', at: at(1) },
      { type: 'stack.log', runId: 'r1', stack: 'a', stream: 'stdout', line: 'first', at: at(2) },
      { type: 'stack.log', runId: 'r1', stack: 'b', stream: 'stderr', line: 'to stderr', at: at(3) },
      { type: 'stack.log', runId: 'r1', stack: 'a', stream: 'stdout', line: '', at: at(3) },
      // Not what toISOString() gives back: kept as it came.
      { type: 'stack.log', runId: 'r1', stack: 'a', stream: 'stdout', line: 'odd time', at: '2026-11-27T00:00:00Z' },
      { type: 'stack.log', runId: 'r1', stack: 'a', stream: 'stderr', line: 'no time', at: 'later' },
      { type: 'stack.log', runId: 'other', stack: 'a', stream: 'stdout', line: 'another run', at: at(4) },
      { type: 'stack.finished', runId: 'r1', stack: 'a', status: 'succeeded', durationMs: 4, at: at(5) },
    ];
    const history = new RunHistory();
    for (const event of events) history.append(event);
    const replayed: RunEvent[] = [];
    history.replay((event) => replayed.push(event));
    expect(replayed).toEqual(events);
    // A second subscriber gets the same again.
    const again: RunEvent[] = [];
    history.replay((event) => again.push(event));
    expect(again).toEqual(events);
  });
});
