import { renderTemplate, StackfleetError, type Store } from '@stackfleet/core';
import { openPostgresStore, openSqliteStore } from '@stackfleet/state';
import { readFleetIdentity } from '@stackfleet/vcs';
import type { Fleet } from '../manifest/read-manifest.js';

/** Where the store is, and where that choice came from (for messages). */
export interface StateLocation {
  url?: string;
  source: string;
}

/**
 * `STACKFLEET_STATE_URL` wins, then `settings.state.url` (which may read the
 * environment: `${{ env.STACKFLEET_DB }}`), else the embedded SQLite store.
 */
export function readStateLocation(fleet: Fleet, env: Record<string, string | undefined>): StateLocation {
  const fromEnv = env.STACKFLEET_STATE_URL;
  if (fromEnv !== undefined && fromEnv !== '') return { url: fromEnv, source: 'STACKFLEET_STATE_URL' };
  const written = fleet.loaded.manifest.settings.stateUrl;
  if (written === undefined) return { source: 'settings.stateDir' };
  const url = renderTemplate(written, { vars: {}, env, outputs: () => undefined, stackName: '' });
  if (url === '') {
    throw new StackfleetError('E_STATE_URL', 'settings.state.url is empty', {
      hint: 'Set the environment variable it reads, or remove settings.state to use the embedded store.',
      keyPath: 'settings.state.url',
    });
  }
  return { url, source: 'settings.state.url' };
}

export function openStore(fleet: Fleet, env: Record<string, string | undefined>, tuning: { idleTimeoutMs?: number } = {}): Store {
  const location = readStateLocation(fleet, env);
  if (location.url === undefined) return openSqliteStore({ stateDir: fleet.stateDir, env });
  return openPostgresStore({
    url: location.url,
    source: location.source,
    env,
    ...tuning,
    fleet: readFleetIdentity(fleet.manifestPath, fleet.loaded.manifest.settings.fleet),
  });
}
