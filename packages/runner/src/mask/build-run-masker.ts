import type { Store } from '@stackfleet/core';
import { sensitiveOutputValues } from './mask-deep.js';
import { createMasker, type Masker } from './masker.js';

/**
 * The one masker of a run: every secret value of every stack in the run, the
 * orchestrator's secret variables kept out of the stacks' environment
 * (`hiddenEnvValues`, from `buildStackBaseEnv`), and the sensitive outputs the
 * store holds for every stack of the manifest (a stack may print any of them,
 * e.g. through terraform remote state, not only its own and its direct
 * upstreams'). Outputs applied during the run are added as they are stored.
 */
export async function buildRunMasker(
  secrets: ReadonlyMap<string, Record<string, string>>,
  hiddenEnvValues: readonly string[],
  store: Pick<Store, 'getOutputs'>,
  stacks: readonly string[],
): Promise<Masker> {
  const values: string[] = [...hiddenEnvValues];
  for (const stackSecrets of secrets.values()) values.push(...Object.values(stackSecrets));
  for (const stack of stacks) {
    const stored = await store.getOutputs(stack).catch(() => undefined);
    if (stored) values.push(...sensitiveOutputValues(stored.outputs));
  }
  return createMasker(values);
}
