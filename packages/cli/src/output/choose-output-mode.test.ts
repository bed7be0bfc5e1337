import { describe, expect, it } from 'vitest';
import { chooseOutputMode, shouldUseColor } from './choose-output-mode.js';

const tty = { stdoutIsTTY: true, stdinIsTTY: true, env: {} };

describe('chooseOutputMode', () => {
  it('uses the UI in an interactive terminal', () => {
    expect(chooseOutputMode(tty)).toBe('tui');
  });
  it('goes headless when stdout is not a TTY', () => {
    expect(chooseOutputMode({ ...tty, stdoutIsTTY: false })).toBe('plain');
  });
  it('goes headless when stdin is not a TTY', () => {
    expect(chooseOutputMode({ ...tty, stdinIsTTY: false })).toBe('plain');
  });
  it('goes headless with CI=true but not CI=false', () => {
    expect(chooseOutputMode({ ...tty, env: { CI: 'true' } })).toBe('plain');
    expect(chooseOutputMode({ ...tty, env: { CI: 'false' } })).toBe('tui');
  });
  it('goes headless with --ci', () => {
    expect(chooseOutputMode({ ...tty, ci: true })).toBe('plain');
  });
  it('prints NDJSON with --json, even in a terminal', () => {
    expect(chooseOutputMode({ ...tty, json: true })).toBe('json');
  });
});

describe('shouldUseColor', () => {
  it('honours NO_COLOR and --no-color', () => {
    expect(shouldUseColor({ env: { NO_COLOR: '1' }, isTTY: true })).toBe(false);
    expect(shouldUseColor({ color: false, env: {}, isTTY: true })).toBe(false);
    expect(shouldUseColor({ env: {}, isTTY: true })).toBe(true);
    expect(shouldUseColor({ env: {}, isTTY: false })).toBe(false);
  });
});
