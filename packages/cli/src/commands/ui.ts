import { StackfleetError } from '@stackfleet/core';
import type { CommandContext } from '../command-context.js';

/** `stackfleet ui`: the interactive terminal UI. Wired in once the tui package lands. */
export async function runUiCommand(context: CommandContext): Promise<number> {
  context.readFleet();
  throw new StackfleetError('E_NOT_READY', 'the terminal UI is not wired into this build yet', { hint: 'use the plain commands' });
}
