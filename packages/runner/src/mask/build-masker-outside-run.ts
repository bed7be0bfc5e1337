import type { Manifest, Store } from '@stackfleet/core';
import { buildStackBaseEnv, collectStackSecretSources, resolveSecrets } from '../secrets/index.js';
import { readStoredSensitiveValues } from './build-run-masker.js';
import { createMasker, type Masker } from './masker.js';

export interface MaskerOutsideRunOptions {
  manifest: Manifest;
  /** Where `fromFile` and `fromCommand` are relative to (the manifest's directory, as in a run). */
  manifestDir: string;
  /** The orchestrator's environment. */
  env: Record<string, string | undefined>;
  store: Pick<Store, 'getOutputs' | 'getManyOutputs'>;
  /** The stacks whose secrets are read (a run's stacks). */
  stacks: readonly string[];
  /**
   * Whether `fromCommand` secrets are read too: a command may take its time,
   * or ask something. A command that only shows what is stored (`show`)
   * leaves them out. @default true
   */
  readCommands?: boolean;
  signal?: AbortSignal;
}

/**
 * A masker for text a command outside a run stores for runs to read (an
 * approval's `--comment`): what a run's masker of `stacks` would hide, as far
 * as it can be read here: the orchestrator's secret variables and every
 * `fromEnv` source of the manifest (`buildStackBaseEnv`), the secrets of
 * `stacks` (each source read once), and the stored sensitive outputs. A
 * secret that cannot be read here is left out: there is no value to hide,
 * and the command does not need it (the run that reads the text masks it
 * again with its own).
 */
export async function buildMaskerOutsideRun(options: MaskerOutsideRunOptions): Promise<Masker> {
  const { manifest, env } = options;
  const values = [...buildStackBaseEnv(env, manifest).hidden];
  const read = new Set<string>();
  for (const stack of options.stacks) {
    const collected = collectStackSecretSources(manifest, stack);
    for (const [key, source] of Object.entries(collected?.sources ?? {})) {
      // A context's secret is every attached stack's: read it once.
      const id = JSON.stringify(source);
      if (read.has(id) || (options.readCommands === false && 'fromCommand' in source)) continue;
      read.add(id);
      const value = await resolveSecrets(
        { [key]: source },
        { env, cwd: options.manifestDir, describe: () => collected?.declaredIn[key] ?? `stack ${stack}`, ...(options.signal ? { signal: options.signal } : {}) },
      ).catch(() => undefined);
      if (value !== undefined) values.push(...Object.values(value));
    }
  }
  values.push(...(await readStoredSensitiveValues(options.store, Object.keys(manifest.stacks))));
  return createMasker(values);
}
