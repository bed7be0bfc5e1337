import { createPainter } from '@stackfleet/core';
import { describe, expect, it } from 'vitest';
import { pickNameWidth } from './format.js';
import { formatLiveArea } from './run-live-area.js';
import { createRunViewState, reduceRunViewEvents } from './run-view-state.js';
import { at, runId, summarize } from './runs.fixtures.js';

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

  it('sums up policy decisions under the outcome, names the approve command within a narrow terminal, and takes those rows from the log pane', () => {
    const awaiting = reduceRunViewEvents(running, [
      ...Array.from({ length: 30 }, (_, index) => ({ type: 'stack.log' as const, runId, stack: 'network', stream: 'stdout' as const, line: `log ${index}` })),
      { type: 'policy.evaluated', runId, stack: 'network', policy: 'guard', rule: 'look', effect: 'require_approval', message: 'someone looks', at },
      { type: 'policy.evaluated', runId, policy: 'guard', rule: 'size', effect: 'warn', message: `a big run ${'x'.repeat(40)}`, at },
      { type: 'stack.finished', runId, stack: 'network', status: 'awaiting_approval', durationMs: 5, reason: 'awaiting approval: someone looks', at },
      { type: 'stack.finished', runId, stack: 'db', status: 'skipped', durationMs: 0, reason: 'dependency network is awaiting approval', at },
      { type: 'run.finished', runId, status: 'awaiting_approval', summary: summarize({ total: 2, skipped: 1, awaitingApproval: 1, durationMs: 5 }), at },
    ]);
    const rows = 16;
    const area = formatLiveArea({ state: awaiting, nowMs, rows, columns: 40, stopRequests: 0, selected: 'network' }, createPainter(false));
    expect(area.bottom).toEqual([
      'run awaiting_approval in 5ms · 1 skippe…',
      'policies: 1 warning · 1 approval requir…',
      '  run: warn: a big run xxxxxxxxxxxxxxxx…',
      'approve: stackfleet approve run-1',
      'then `stackfleet resume run-1` continue…',
      'tab select · l log · ? help · q back to…',
    ]);
    // Never a full screen (ink would clear it every frame): the log pane gave up the rows.
    expect(area.top.length + area.logLines.length + area.bottom.length).toBeLessThan(rows);
    expect(area.logLines.length).toBeGreaterThan(0);

    const wide = formatLiveArea({ state: awaiting, nowMs, rows, columns: 120, stopRequests: 0 }, createPainter(false));
    expect(wide.bottom).toContain(`approve: stackfleet approve ${runId} [--stack GLOB] [--comment TEXT]`);
  });

  it('marks a running stack its policies warned about, cut to the width with the rest of its row, and paints the mark', () => {
    const warned = reduceRunViewEvents(running, [
      { type: 'policy.evaluated', runId, stack: 'network', policy: 'guard', rule: 'public', effect: 'warn', message: 'a public subnet', at },
      { type: 'stack.step', runId, stack: 'network', step: 'apply', at },
    ]);
    const plain = formatLiveArea({ state: warned, nowMs, rows: 24, columns: 80, stopRequests: 0 }, createPainter(false));
    expect(plain.top[2]).toMatch(/^⠋ network +10s +apply · ⚠ 1 warning$/);
    const narrow = formatLiveArea({ state: warned, nowMs, rows: 24, columns: 38, stopRequests: 0 }, createPainter(false));
    expect(narrow.top[2]).toBe('⠋ network    10s     apply · ⚠ 1 warn…');
    const painted = formatLiveArea({ state: warned, nowMs, rows: 24, columns: 80, stopRequests: 0 }, createPainter(true));
    expect(painted.top[2]).toContain('\u001B[35m⚠ 1 warning\u001B[39m');
  });

  it("makes the name column as wide as the run's longest name, from 10 to 32, leaving 30 columns to the rest", () => {
    expect(running.longestName).toBe('network'.length);
    expect([pickNameWidth(7, 80), pickNameWidth(20, 80), pickNameWidth(50, 80), pickNameWidth(50, 50), pickNameWidth(50, 30)]).toEqual([10, 20, 32, 20, 10]);
  });
});
