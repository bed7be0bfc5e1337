/**
 * How an `engine: exec` policy's command is run. The policy package is pure,
 * so the process lives in `@stackfleet/runner` (`runPolicyCommand`), which
 * implements core's `PolicyCommandRunner`; the CLI passes it in.
 */
import { isOrchestratorSecret } from '@stackfleet/core';

export type { PolicyCommandRequest, PolicyCommandResult, PolicyCommandRunner } from '@stackfleet/core';

/**
 * An exec policy sees PATH, HOME and STACKFLEET_* from the orchestrator's
 * environment, never a stack's env or secrets, nor stackfleet's own secret
 * control variables (the state key, the store's URL).
 */
export function selectExecEnvironment(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const selected: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (name === 'PATH' || name === 'HOME' || (name.startsWith('STACKFLEET_') && !isOrchestratorSecret(name))) selected[name] = value;
  }
  return selected;
}
