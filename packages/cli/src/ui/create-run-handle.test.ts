import type { RunEvent } from '@stackfleet/core';
import { describe, expect, it } from 'vitest';
import { createInterrupts } from '../runtime/interrupts.js';
import { createRunHandle } from './create-run-handle.js';

const started: RunEvent = { type: 'run.started', runId: 'r1', command: 'plan', stacks: ['a'], concurrency: 1, at: '2026-01-01T00:00:00.000Z' };
const summary = { total: 1, succeeded: 0, failed: 0, skipped: 0, unchanged: 1, changed: 0, denied: 0, awaitingApproval: 0, interrupted: 0, durationMs: 5 };
const finished: RunEvent = { type: 'run.finished', runId: 'r1', status: 'succeeded', summary, at: '2026-01-01T00:00:01.000Z' };

describe('createRunHandle', () => {
  it('replays earlier events to a late subscriber, then streams, and settles with the summary once the run ends', async () => {
    const live = createRunHandle();
    live.listener(started);
    const seen: string[] = [];
    live.handle.subscribe((event) => seen.push(event.type));
    live.listener(finished);
    live.follow(Promise.resolve());
    expect(await live.handle.done).toEqual(summary);
    expect(seen).toEqual(['run.started', 'run.finished']);
  });

  it('rejects `done` when the run throws, and turns interrupt() into the first and second Ctrl-C', async () => {
    const interrupts = createInterrupts();
    const live = createRunHandle(interrupts);
    live.handle.interrupt();
    expect([interrupts.signal.aborted, interrupts.forceSignal.aborted]).toEqual([true, false]);
    live.handle.interrupt();
    expect(interrupts.forceSignal.aborted).toBe(true);
    live.follow(Promise.reject(new Error('no secret')));
    await expect(live.handle.done).rejects.toThrow('no secret');
  });
});
