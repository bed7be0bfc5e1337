import { render } from 'ink';
import { FleetApp, type FleetAppProps } from './fleet-app.js';

export interface RunFleetUiOptions extends Omit<FleetAppProps, 'onQuit'> {
  /** @default process.stdin */
  stdin?: NodeJS.ReadStream;
  /** @default process.stdout */
  stdout?: NodeJS.WriteStream;
  /** @default process.stderr */
  stderr?: NodeJS.WriteStream;
  /** Route `console.*` above the UI instead of through it. @default true */
  patchConsole?: boolean;
}

/**
 * Renders the interactive UI and resolves with the exit code when the user quits.
 * Ctrl-C is ours (ink's `exitOnCtrlC` is off): in a run it interrupts (SPEC §5), in
 * the fleet it quits. The cursor is shown again and raw mode left however we exit.
 */
export async function runFleetUi(options: RunFleetUiOptions): Promise<number> {
  const { stdin, stdout, stderr, patchConsole = true, ...appProps } = options;
  const output = stdout ?? process.stdout;
  let exitCode = 0;
  const instance = render(<FleetApp {...appProps} onQuit={(code) => (exitCode = code)} />, {
    stdout: output,
    stdin: stdin ?? process.stdin,
    stderr: stderr ?? process.stderr,
    exitOnCtrlC: false,
    patchConsole,
  });
  try {
    await instance.waitUntilExit();
  } finally {
    instance.unmount();
    instance.cleanup();
    // ink restores the cursor on unmount; do it again in case we got here through an error.
    if (output.isTTY) output.write('\u001B[?25h');
  }
  return exitCode;
}
