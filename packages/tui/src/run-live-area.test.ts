import { createPainter } from '@stackfleet/core';
import { describe, expect, it } from 'vitest';
import { formatLiveArea } from './run-live-area.js';
import { createRunViewState, reduceRunViewEvents } from './run-view-state.js';
import { at, runId } from './runs.fixtures.js';

const nowMs = Date.parse(at) + 10_000;
const running = reduceRunViewEvents(createRunViewState(), [
  { type: 'run.started', runId, command: 'apply', stacks: ['network', 'db'], concurrency: 2, at },
  { type: 'stack.started', runId, stack: 'network', at },
  { type: 'stack.log', runId, stack: 'network', stream: 'stdout', line: 'x'.repeat(100) },
]);

describe('formatLiveArea', () => {
  it('cuts its own lines to the terminal width with … and leaves the log lines to ink', () => {
    const area = formatLiveArea({ state: running, nowMs, rows: 24, columns: 40, stopRequests: 0, selected: 'network', error: `disk ${'full '.repeat(20)}` }, createPainter(false));
    const own = [...area.top, ...area.bottom];
    expect(own.every((line) => line.length <= 40)).toBe(true);
    expect(area.bottom[0]).toBe(`run failed: disk ${'full '.repeat(20)}`.slice(0, 39) + '…');
    // The stack's own output may hold ANSI codes and wide characters: the view cuts it with ink.
    expect(area.logLines).toEqual(['x'.repeat(100)]);
  });

  it('paints the spinner, bolds the selected stack and dims the counts only when colours are on', () => {
    const plain = formatLiveArea({ state: running, nowMs, rows: 24, columns: 80, stopRequests: 0, selected: 'network' }, createPainter(false));
    const painted = formatLiveArea({ state: running, nowMs, rows: 24, columns: 80, stopRequests: 0, selected: 'network' }, createPainter(true));
    expect(plain.top.join('\n')).not.toMatch(/\u001B\[/);
    expect(painted.top[1]).toBe(`\u001B[2m${plain.top[1]}\u001B[22m`);
    expect(painted.top[2]).toBe(`\u001B[1m\u001B[36m${plain.top[2]!.slice(0, 2)}\u001B[39m${plain.top[2]!.slice(2)}\u001B[22m`);
  });
});
