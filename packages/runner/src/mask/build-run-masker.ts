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
  return buildMaskerFrom(secrets, hiddenEnvValues, await readStoredSensitiveValues(store, stacks));
}

/** The masker of a run from values already read (`readStoredSensitiveValues`), e.g. once per run by a worker. */
export function buildMaskerFrom(
  secrets: ReadonlyMap<string, Record<string, string>>,
  hiddenEnvValues: readonly string[],
  storedSensitiveValues: readonly string[],
): Masker {
  const values: string[] = [...hiddenEnvValues];
  for (const stackSecrets of secrets.values()) values.push(...Object.values(stackSecrets));
  values.push(...storedSensitiveValues);
  return createMasker(values);
}

/** The sensitive values of the stored outputs of `stacks` (read together: the PostgreSQL pool keeps a few queries in flight). */
export async function readStoredSensitiveValues(store: Pick<Store, 'getOutputs' | 'getManyOutputs'>, stacks: readonly string[]): Promise<string[]> {
  // One query where the store has it (PostgreSQL); on an error, stack by stack as below.
  const many = await store.getManyOutputs?.(stacks).catch(() => undefined);
  if (many) return [...many.values()].flatMap((outputs) => [...sensitiveOutputValues(outputs.outputs)]);
  const stored = await Promise.all(stacks.map((stack) => store.getOutputs(stack).catch(() => undefined)));
  return stored.flatMap((outputs) => (outputs ? [...sensitiveOutputValues(outputs.outputs)] : []));
}
