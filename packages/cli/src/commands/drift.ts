import { StackfleetError } from '@stackfleet/core';
import type { CommandContext } from '../command-context.js';

/** `stackfleet drift`: filled in with issue #7. */
export async function runDriftCommand(context: CommandContext): Promise<number> {
  context.readFleet();
  throw new StackfleetError('E_NOT_READY', 'drift is not wired into this build yet');
}
