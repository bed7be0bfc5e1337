import { describe, expect, it, vi } from 'vitest';
import { runLiveRunUi } from './run-live-ui.js';
import { createTestTerminal } from './fleet.fixtures.js';
import { createScriptedRun } from './scripted-run.js';

describe('runLiveRunUi', () => {
  it('leaves on its own once the run is over, on the final frame, leaving no timer longer than a frame of ink at its default rate', async () => {
    const terminal = createTestTerminal();
    const run = createScriptedRun();
    const at = new Date(0).toISOString();
    run.emit({ type: 'run.started', runId: 'r1', command: 'apply', stacks: ['network', 'app'], concurrency: 2, at });
    const shown = runLiveRunUi({ run, color: false, stdin: terminal.stdin, stdout: terminal.stdout, clock: () => 0 });
    for (const stack of ['network', 'app']) {
      run.emit({ type: 'stack.started', runId: 'r1', stack, at });
      run.emit({ type: 'stack.finished', runId: 'r1', stack, status: 'succeeded', durationMs: 5, at });
    }
    const summary = { total: 2, succeeded: 2, failed: 0, skipped: 0, unchanged: 0, changed: 0, denied: 0, awaitingApproval: 0, interrupted: 0, durationMs: 5 };
    // From the end of the run on, every timer started: a pending one holds the
    // CLI's process open (it exits when nothing is left, src/main.ts). ink's
    // frame throttle starts one of a frame's length when it unmounts (a no-op
    // by then): at maxFps 5 that kept the CLI 200 ms after every run.
    const delays: number[] = [];
    const startTimer = globalThis.setTimeout;
    const spy = vi.spyOn(globalThis, 'setTimeout').mockImplementation(((callback: () => void, ms?: number) => {
      delays.push(ms ?? 0);
      return startTimer(callback, ms);
    }));
    try {
      run.emit({ type: 'run.finished', runId: 'r1', status: 'succeeded', summary, at });
      run.finish(summary);
      await shown;
    } finally {
      spy.mockRestore();
    }
    expect(terminal.output()).toContain('run succeeded');
    expect(delays.length).toBeGreaterThan(0);
    expect(Math.max(...delays)).toBeLessThanOrEqual(50);
  });
});
