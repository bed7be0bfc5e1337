import type { RunRecord, Store } from '@stackfleet/core';
import { buildMaskerOutsideRun, type Masker } from '@stackfleet/runner';
import type { Fleet } from '../manifest/read-manifest.js';

/**
 * The masker for approvals' comments of `run`, outside the run: the secrets
 * of its stacks readable here, the manifest's `fromEnv` variables,
 * stackfleet's own secret variables and the stored sensitive outputs (see
 * `buildMaskerOutsideRun`). `approve` masks a comment with it before storing
 * it; `show` masks again what it prints (a comment stored before, or by an
 * approver who could not read a secret), without running `fromCommand`.
 */
export function readApprovalMasker(
  fleet: Fleet,
  store: Store,
  run: RunRecord,
  env: Record<string, string | undefined>,
  options: { readCommands: boolean },
): Promise<Masker> {
  return buildMaskerOutsideRun({ manifest: fleet.loaded.manifest, manifestDir: fleet.manifestDir, env, store, stacks: run.stacks, readCommands: options.readCommands });
}
