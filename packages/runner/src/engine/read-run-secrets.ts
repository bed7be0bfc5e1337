import type { StackfleetError } from '@stackfleet/core';
import { collectStackSecretSources, combineSecretErrors, isSecretMissing, resolveSecrets, splitSecretErrors } from '../secrets/index.js';
import type { EngineRun } from './engine-run.js';

/**
 * Reads every secret of every stack in the run before any stack starts, so
 * a missing secret fails the run up front (naming the context and key)
 * instead of halfway through an apply. Each `fromCommand` runs once; the
 * values are handed to the stacks from here.
 *
 * @throws StackfleetError `E_SECRET_MISSING` naming every secret that cannot be read.
 */
export async function readRunSecrets(run: EngineRun, stacks: readonly string[]): Promise<Map<string, Record<string, string>>> {
  const { manifest } = run.options;
  const values = new Map<string, Record<string, string>>();
  const missing: StackfleetError[] = [];
  const missingByStack = new Map<string, StackfleetError[]>();
  for (const name of stacks) {
    const collected = collectStackSecretSources(manifest, name);
    if (collected === undefined) continue;
    const { sources: secrets, declaredIn } = collected;
    if (Object.keys(secrets).length === 0) continue;
    const resolved = await resolveSecrets(secrets, {
      env: run.options.env,
      // Secrets are declared in the manifest, so fromFile/fromCommand are relative to it.
      cwd: run.options.manifestDir,
      signal: run.interrupt,
      describe: (key) => declaredIn[key] ?? `stack ${name}`,
    }).catch((error: unknown) => {
      // Keep going: the run fails once, naming every secret to provide.
      if (!isSecretMissing(error)) throw error;
      missing.push(...splitSecretErrors(error));
      missingByStack.set(name, splitSecretErrors(error));
      return undefined;
    });
    if (resolved) values.set(name, resolved);
  }
  if (missing.length > 0) {
    await recordUnreadableSecrets(run, stacks, missingByStack);
    throw combineSecretErrors(missing);
  }
  return values;
}

/**
 * The run stops before any stack starts; `show` says why, stack by stack:
 * those whose secrets cannot be read `failed` naming them, the others
 * `skipped`, naming the stacks that held the run up.
 */
async function recordUnreadableSecrets(run: EngineRun, stacks: readonly string[], missingByStack: ReadonlyMap<string, StackfleetError[]>): Promise<void> {
  const blocking = [...missingByStack.keys()].join(', ');
  const at = run.now().toISOString();
  for (const name of stacks) {
    const errors = missingByStack.get(name);
    await run.putState(
      name,
      errors
        ? { state: 'failed', attempt: 0, finishedAt: at, reason: errors.map((error) => error.message).join('; ') }
        : { state: 'skipped', attempt: 0, finishedAt: at, reason: `not started: secrets of ${blocking} cannot be read` },
    );
  }
}
