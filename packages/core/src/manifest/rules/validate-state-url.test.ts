import { describe, expect, it } from 'vitest';
import { formatProblems } from '../manifest-problems.fixtures.js';
import { parseManifest } from '../parse-manifest.js';

const manifest = (url: string) => `version: 1\nsettings:\n  state: { url: ${JSON.stringify(url)} }\nstacks: {}\n`;

describe('settings.state.url', () => {
  it('refuses a written-out URL that is not PostgreSQL, at its location, without quoting it', () => {
    const text = formatProblems(manifest('mysql://u:hunter2@db/x'));
    expect(text).toContain('E_STATE_URL stacks.yaml:3:17 settings.state.url: must be a postgres:// or postgresql:// URL, got a mysql: URL');
    expect(text).not.toContain('hunter2');
  });

  it('accepts a PostgreSQL URL and a template read from the environment', () => {
    expect(parseManifest(manifest('postgresql://db/sf'), 'stacks.yaml').manifest.settings.stateUrl).toBe('postgresql://db/sf');
    expect(parseManifest(manifest('${{ env.STACKFLEET_DB }}'), 'stacks.yaml').manifest.settings.stateUrl).toBe('${{ env.STACKFLEET_DB }}');
  });
});
