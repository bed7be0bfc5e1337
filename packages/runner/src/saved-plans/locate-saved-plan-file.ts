import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { savedPlanFile, StackfleetError, type SavedPlanRecord, type Store } from '@stackfleet/core';
import { pathExists } from '../files/path-exists.js';
import { digestPlanFile } from './fingerprint-stack.js';

export interface LocateSavedPlanFileOptions {
  store: Store;
  /** This machine's state directory. */
  stateDir: string;
  saved: SavedPlanRecord;
}

export interface LocatedPlanFile {
  path: string;
  /**
   * The plan was made from another checkout than this run's (restored from
   * the store, or saved under another state directory): terraform has not
   * been initialised here for it.
   */
  fromOtherCheckout: boolean;
}

/**
 * The path of a saved plan's terraform file on this machine (undefined for a
 * plan without one: a command stack's). The planning
 * machine finds it where it saved it; another one (a later CI job, a fresh
 * runner) restores the copy the store keeps, sealed with the state key, to
 * `runs/<plan run>/plans/` of its own state directory (0600, in a 0700
 * directory). Either way the bytes must match the digest saved with the
 * record: what is applied is the plan that was reviewed.
 */
export async function locateSavedPlanFile(options: LocateSavedPlanFileOptions): Promise<LocatedPlanFile | undefined> {
  const { saved } = options;
  if (saved.planFile === undefined) return undefined;
  const target = savedPlanFile(options.stateDir, saved.runId, saved.stack);
  if (await pathExists(saved.planFile)) {
    verifyPlanFile(saved, await readFile(saved.planFile), saved.planFile);
    return { path: saved.planFile, fromOtherCheckout: saved.planFile !== target };
  }
  const bytes = await options.store.readSavedPlanFile(saved.runId, saved.stack);
  if (bytes === undefined) {
    throw new StackfleetError(
      'E_SAVED_PLAN_MISSING',
      `the plan file of ${saved.stack} from run ${saved.runId} is gone (${saved.planFile}) and the store keeps no copy; plan again with \`stackfleet plan --save\``,
    );
  }
  verifyPlanFile(saved, bytes, 'the copy in the store');
  await mkdir(dirname(target), { recursive: true, mode: 0o700 });
  // Written whole under another name, then renamed: a crash never leaves half a plan where one is looked for.
  const partial = `${target}.${process.pid}.partial`;
  try {
    await writeFile(partial, bytes, { mode: 0o600 });
    await chmod(partial, 0o600);
    await rename(partial, target);
  } finally {
    await rm(partial, { force: true });
  }
  return { path: target, fromOtherCheckout: true };
}

/** Records saved before plan files had digests are taken as they are. */
function verifyPlanFile(saved: SavedPlanRecord, bytes: Uint8Array, where: string): void {
  if (saved.planFileDigest === undefined || digestPlanFile(saved.salt, bytes) === saved.planFileDigest) return;
  throw new StackfleetError('E_STATE_CORRUPT', `the plan file of ${saved.stack} from run ${saved.runId} (${where}) is not the one that was saved: its digest differs`, {
    hint: 'plan again with `stackfleet plan --save` and review the new plan',
  });
}
