import type { CommandContext } from '../command-context.js';
import { writeLine } from '../io.js';

/** `stackfleet validate`: load and check the manifest and policies. 0 valid, 1 invalid. */
export async function runValidateCommand(context: CommandContext): Promise<number> {
  const fleet = context.readFleet();
  const count = Object.keys(fleet.loaded.manifest.stacks).length;
  const message = `${fleet.loaded.manifest.source}: valid (${count} stack${count === 1 ? '' : 's'})`;
  if (context.global.json) writeLine(context.io.stdout, JSON.stringify({ valid: true, stacks: count }));
  else writeLine(context.io.stdout, message);
  return 0;
}
