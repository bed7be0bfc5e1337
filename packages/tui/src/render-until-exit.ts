import { render } from 'ink';
import type { ReactNode } from 'react';

export interface TerminalStreams {
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
  /** Route `console.*` above the UI instead of through it. @default false */
  patchConsole?: boolean;
  /** ink's cap on frames drawn per second. @default 30 (ink's) */
  maxFps?: number;
}

/**
 * Renders with ink until the app exits. Ctrl-C is the app's own (ink's
 * `exitOnCtrlC` is off), and the terminal is left usable however we leave:
 * ink restores raw mode and the cursor on unmount; the cursor is shown again
 * in case we got here through an error.
 */
export async function renderUntilExit(node: ReactNode, streams: TerminalStreams): Promise<void> {
  const output = streams.stdout ?? process.stdout;
  const instance = render(node, {
    stdout: output,
    stdin: streams.stdin ?? process.stdin,
    stderr: streams.stderr ?? process.stderr,
    exitOnCtrlC: false,
    patchConsole: streams.patchConsole ?? false,
    ...(streams.maxFps === undefined ? {} : { maxFps: streams.maxFps }),
  });
  try {
    await instance.waitUntilExit();
  } finally {
    instance.unmount();
    instance.cleanup();
    if (output.isTTY) output.write('\u001B[?25h');
  }
}
