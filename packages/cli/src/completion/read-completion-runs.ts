import { existsSync } from 'node:fs';
import { stateDatabasePath } from '@stackfleet/core';
import { readFleet } from '../manifest/read-manifest.js';
import { readStateLocation, openStore } from '../runtime/open-store.js';

/** How many run ids a Tab offers: the recent ones are those worth typing. */
const RECENT_RUNS = 20;

/**
 * Recent run ids for completion (`show`, `approve`, `logs`, `resume`,
 * `--from-plan`), newest first. Loaded only for those: it needs the full
 * manifest reader and the store, which the other completions never load.
 * Silent when it cannot (a shell prompt is no place for an error), and never
 * creates a state database where none exists yet.
 */
export async function readCompletionRuns(cwd: string, file: string | undefined, env: Record<string, string | undefined>): Promise<string[]> {
  try {
    const fleet = readFleet(cwd, file);
    if (readStateLocation(fleet, env).url === undefined && !existsSync(stateDatabasePath(fleet.stateDir))) return [];
    const store = openStore(fleet, env);
    try {
      return (await store.listRuns({ limit: RECENT_RUNS })).map((run) => run.id);
    } finally {
      await store.close();
    }
  } catch {
    return [];
  }
}
