import { formatProblem } from '@stackfleet/core';
import type { CommandContext } from '../command-context.js';
import { writeLine } from '../io.js';
import { collectPolicyWarnings, readManifestPolicies } from '../policy/read-policies.js';

/** `stackfleet validate`: load and check the manifest and policies. 0 valid (warnings on stderr), 1 invalid. */
export async function runValidateCommand(context: CommandContext): Promise<number> {
  const fleet = context.readFleet();
  const count = Object.keys(fleet.loaded.manifest.stacks).length;
  const policies = readManifestPolicies(fleet, context.io.cwd).length;
  for (const warning of collectPolicyWarnings(fleet, context.io.cwd)) context.note(`warning: ${formatProblem(warning)}`);
  const policyNote = policies === 0 ? '' : `, ${policies} polic${policies === 1 ? 'y' : 'ies'}`;
  const message = `${fleet.loaded.manifest.source}: valid (${count} stack${count === 1 ? '' : 's'}${policyNote})`;
  if (context.global.json) writeLine(context.io.stdout, JSON.stringify({ valid: true, stacks: count, policies }));
  else writeLine(context.io.stdout, message);
  return 0;
}
