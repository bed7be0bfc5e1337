import { spawnSync } from 'node:child_process';

/** Whether tmux is installed: the terminal tests are skipped without it. */
export const hasTmux = spawnSync('tmux', ['-V']).status === 0;

/** A tmux command on the server `server` (`tmux -L`); its stdout. */
export function tmuxOn(server: string, ...args: string[]): string {
  return spawnSync('tmux', ['-L', server, ...args], { encoding: 'utf8' }).stdout;
}

/**
 * Waits until the screen of the session named like `server` (with its last
 * 200 lines of history, wrapped lines joined) matches `pattern`; returns it.
 * Throws with the screen when `timeoutMs` passes first.
 */
export async function waitForScreen(server: string, pattern: RegExp, what: string, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = tmuxOn(server, 'capture-pane', '-p', '-J', '-S', '-200', '-t', server);
    if (pattern.test(text)) return text;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}; screen was:\n${text}`);
}
