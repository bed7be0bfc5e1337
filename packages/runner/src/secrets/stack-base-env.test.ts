import { isOrchestratorSecret, parseManifest } from '@stackfleet/core';
import { describe, expect, it } from 'vitest';
import { buildStackBaseEnv, withoutOrchestratorSecrets } from './stack-base-env.js';

const { manifest } = parseManifest(
  `version: 1
contexts:
  tokens:
    secrets: { TOKEN: { fromEnv: MY_TOKEN } }
stacks:
  app:
    runner: command
    path: .
    secrets: { DB: { fromEnv: DB_PASSWORD_SOURCE } }
    commands: { apply: "true" }
`,
  'stacks.yaml',
);

describe('buildStackBaseEnv', () => {
  it("removes stackfleet's own secrets and every fromEnv source, and hands their values to the masker", () => {
    const base = buildStackBaseEnv(
      {
        PATH: '/bin',
        STACKFLEET_STATE_KEY: 'k'.repeat(64),
        STACKFLEET_STATE_URL: 'postgres://u:pw@db/sf',
        STACKFLEET_LOCK_TTL_MS: '5000',
        MY_TOKEN: 'tok-123',
        DB_PASSWORD_SOURCE: 'hunter2',
        UNSET: undefined,
      },
      manifest,
    );
    expect(base.env).toEqual({ PATH: '/bin', STACKFLEET_LOCK_TTL_MS: '5000' });
    expect(base.hidden.sort()).toEqual(['hunter2', 'k'.repeat(64), 'postgres://u:pw@db/sf', 'pw', 'tok-123']);
  });

  it('hides the variable settings.state.url reads, and masks its password alone, raw and encoded', () => {
    const { manifest: withStore } = parseManifest(
      'version: 1\nsettings:\n  state: { url: "${{ env.FLEET_DB }}" }\nstacks:\n  app: { runner: command, path: ., commands: { apply: "true" } }\n',
      'stacks.yaml',
    );
    const base = buildStackBaseEnv({ PATH: '/bin', FLEET_DB: 'postgresql://sf:p%40ss%2Fw0rd@db:5432/sf' }, withStore);
    expect(base.env).toEqual({ PATH: '/bin' });
    expect(base.hidden.sort()).toEqual(['p%40ss%2Fw0rd', 'p@ss/w0rd', 'postgresql://sf:p%40ss%2Fw0rd@db:5432/sf']);
  });

  it('keeps the rest of the environment for fromCommand secrets', () => {
    expect(withoutOrchestratorSecrets({ MY_TOKEN: 'a', STACKFLEET_STATE_KEY: 'b', X: undefined })).toEqual({ MY_TOKEN: 'a' });
    expect(isOrchestratorSecret('STACKFLEET_GITHUB_TOKEN')).toBe(true);
    expect(isOrchestratorSecret('STACKFLEET_ACTOR')).toBe(false);
  });
});
