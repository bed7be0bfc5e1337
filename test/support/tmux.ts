import { spawnSync } from 'node:child_process';
import { cliBin } from './cli.js';

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

/**
 * Starts `stackfleet ARGS` in `dir` as `actor` in a new session of the tmux
 * server `server` (named like it): a real terminal, outside CI, that prints
 * `EXIT=<code>` when the command ends and stays open for `waitForScreen`.
 */
export function startStackfleetSession(server: string, options: { dir: string; actor: string; args: string; width?: number; height?: number }): void {
  const { dir, actor, args, width = 200, height = 50 } = options;
  const command = `cd ${dir} && env -u CI NO_COLOR=1 STACKFLEET_ACTOR=${actor} ${process.execPath} ${cliBin} ${args}; echo "EXIT=$?"; sleep 60`;
  tmuxOn(server, 'new-session', '-d', '-s', server, '-x', String(width), '-y', String(height), command);
}

/**
 * stackfleet sessions in a real terminal, one at a time, each on a fresh
 * tmux server named `PREFIX-PID-N`: a new session on a server whose last
 * session was just killed can race its exit. `close` ends the last one.
 */
export function createTerminalSessions(prefix: string) {
  let count = 0;
  let server = '';
  return {
    start(options: { dir: string; actor: string; args: string; width?: number; height?: number }): void {
      if (server !== '') tmuxOn(server, 'kill-server');
      server = `${prefix}-${process.pid}-${++count}`;
      startStackfleetSession(server, options);
    },
    /** Types `text` and Enter. */
    answer(text: string): void {
      tmuxOn(server, 'send-keys', '-t', server, text, 'Enter');
    },
    waitFor(pattern: RegExp, what: string): Promise<string> {
      return waitForScreen(server, pattern, what);
    },
    close(): void {
      if (server !== '') tmuxOn(server, 'kill-server');
    },
  };
}
