import { renderUntilExit } from './render-until-exit.js';
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
  let exitCode = 0;
  await renderUntilExit(<FleetApp {...appProps} onQuit={(code) => (exitCode = code)} />, { stdin, stdout, stderr, patchConsole });
  return exitCode;
}
