import type { Manifest } from '@stackfleet/core';
import { buildStackBaseEnv } from '../secrets/stack-base-env.js';

/**
 * The orchestrator's environment as an exec policy may draw on it: less
 * every variable a `fromEnv` secret of the fleet reads and stackfleet's own
 * secrets, as for a stack process. The policy package then keeps only PATH,
 * HOME and STACKFLEET_* of it (`selectExecEnvironment`), which alone would
 * pass `{ fromEnv: STACKFLEET_DB_PASS }`'s value to the policy's command.
 */
export function selectPolicyCommandEnv(env: Readonly<Record<string, string | undefined>>, manifest: Manifest): Record<string, string> {
  return buildStackBaseEnv({ ...env }, manifest).env;
}
