import { Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { RunEvent } from '@stackfleet/core';
import { describe, expect, it } from 'vitest';
import { createNdjsonReporter } from './ndjson-reporter.js';

function createStdout() {
  const writes: string[] = [];
  const stdout = new Writable({
    write(chunk: Buffer, _encoding, done) {
      writes.push(chunk.toString('utf8'));
      done();
    },
  });
  return { stdout, writes };
}

const queued = (stack: string): RunEvent => ({ type: 'stack.queued', runId: 'r1', stack, at: '2026-11-27T00:00:00.000Z' });
const finished: RunEvent = {
  type: 'run.finished',
  runId: 'r1',
  status: 'succeeded',
  summary: { total: 0, succeeded: 0, failed: 0, skipped: 0, unchanged: 0, changed: 0, denied: 0, awaitingApproval: 0, interrupted: 0, durationMs: 0 },
  at: '2026-11-27T00:00:01.000Z',
};

describe('createNdjsonReporter', () => {
  it('writes the lines of one turn of the event loop at once, in order, one event per line', async () => {
    const { stdout, writes } = createStdout();
    const reporter = createNdjsonReporter(stdout);
    reporter.onEvent(queued('a'));
    reporter.onEvent(queued('b'));
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toEqual([`${JSON.stringify(queued('a'))}\n${JSON.stringify(queued('b'))}\n`]);
    reporter.onEvent(queued('c'));
    await nextTurn();
    expect(writes.join('').split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { stack: string }).stack)).toEqual(['a', 'b', 'c']);
  });

  it('writes at once at run.finished, and what is left when the run is over', async () => {
    const { stdout, writes } = createStdout();
    const reporter = createNdjsonReporter(stdout);
    reporter.onEvent(queued('a'));
    reporter.onEvent(finished);
    expect(writes).toEqual([`${JSON.stringify(queued('a'))}\n${JSON.stringify(finished)}\n`]);
    reporter.onEvent(queued('b'));
    await reporter.close?.();
    expect(writes).toHaveLength(2);
    await nextTurn();
    expect(writes).toHaveLength(2);
  });
});
