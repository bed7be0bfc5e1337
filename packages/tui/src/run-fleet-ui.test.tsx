import { describe, expect, it, vi } from 'vitest';
import { runFleetUi } from './run-fleet-ui.js';
import { createActions, createFleet, createTestTerminal, tick } from './fleet.fixtures.js';

describe('runFleetUi', () => {
  it('renders the fleet, resolves 0 on q, and leaves the terminal restored', async () => {
    const terminal = createTestTerminal();
    const exit = runFleetUi({ fleet: createFleet(), actions: createActions(), stdin: terminal.stdin, stdout: terminal.stdout, color: false, patchConsole: false });
    // Under load the first frame can take a while: wait for it rather than a fixed time.
    await vi.waitFor(() => expect(terminal.output()).toContain('network'), { timeout: 5000 });
    expect(terminal.rawMode()).toBe(true);
    terminal.stdin.write('q');
    await expect(exit).resolves.toBe(0);
    expect(terminal.rawMode()).toBe(false);
    // The cursor is shown again.
    expect(terminal.output().endsWith('\u001B[?25h')).toBe(true);
  });

  it('quits on ctrl-c in the fleet view (ink does not exit on its own)', async () => {
    const terminal = createTestTerminal();
    const exit = runFleetUi({ fleet: createFleet(), actions: createActions(), stdin: terminal.stdin, stdout: terminal.stdout, patchConsole: false });
    await vi.waitFor(() => expect(terminal.output()).toContain('network'), { timeout: 5000 });
    await tick(50);
    terminal.stdin.write('\u0003');
    await expect(exit).resolves.toBe(0);
  });
});
