import type { CommandContext } from '../command-context.js';
import { writeLine } from '../io.js';
import { readManifestPolicies } from '../policy/read-policies.js';

/** `stackfleet validate`: load and check the manifest and policies. 0 valid, 1 invalid. */
export async function runValidateCommand(context: CommandContext): Promise<number> {
  const fleet = context.readFleet();
  const count = Object.keys(fleet.loaded.manifest.stacks).length;
  const policies = readManifestPolicies(fleet, context.io.cwd).length;
  const policyNote = policies === 0 ? '' : `, ${policies} polic${policies === 1 ? 'y' : 'ies'}`;
  const message = `${fleet.loaded.manifest.source}: valid (${count} stack${count === 1 ? '' : 's'}${policyNote})`;
  if (context.global.json) writeLine(context.io.stdout, JSON.stringify({ valid: true, stacks: count, policies }));
  else writeLine(context.io.stdout, message);
  return 0;
}
