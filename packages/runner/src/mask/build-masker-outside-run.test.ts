import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseManifest } from '@stackfleet/core';
import { MemoryStore, createTempDir, type TempDir } from '@stackfleet/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { buildMaskerOutsideRun } from './build-masker-outside-run.js';

const temps: TempDir[] = [];
afterEach(async () => {
  await Promise.all(temps.splice(0).map((temp) => temp.cleanup()));
});

const { manifest } = parseManifest(
  `version: 1
contexts:
  prod:
    attachTo: { labels: [prod] }
    secrets:
      FROM_FILE: { fromFile: secret.txt }
      FROM_COMMAND: { fromCommand: "echo command-secret-3c1d; echo ran >> runs.txt" }
      MISSING: { fromEnv: NOT_SET_HERE }
stacks:
  db:
    runner: command
    path: db
    labels: [prod]
    secrets: { PASSWORD: { fromEnv: DB_PASSWORD_SOURCE } }
    commands: { apply: "true" }
  app:
    runner: command
    path: app
    labels: [prod]
    commands: { apply: "true" }
  other:
    runner: command
    path: other
    secrets: { OTHER: { fromFile: other.txt } }
    commands: { apply: "true" }
`,
  'stacks.yaml',
);

describe('buildMaskerOutsideRun', () => {
  it('masks what a run of the stacks would: their secrets that can be read (each source once), every fromEnv source, stored sensitive outputs', async () => {
    const temp = await createTempDir('sf-outside-masker-');
    temps.push(temp);
    writeFileSync(join(temp.path, 'secret.txt'), 'file-secret-81aa\n');
    writeFileSync(join(temp.path, 'other.txt'), 'other-secret-0b2e');
    const store = new MemoryStore();
    await store.setOutputs('other', { token: { value: 'output-secret-55e1', sensitive: true }, id: { value: 'plain-id', sensitive: false } }, 'r0');
    const masker = await buildMaskerOutsideRun({
      manifest,
      manifestDir: temp.path,
      env: { PATH: process.env['PATH'], DB_PASSWORD_SOURCE: 'db-secret-9d0f' },
      store,
      stacks: ['db', 'app'],
    });
    const text = 'db-secret-9d0f file-secret-81aa command-secret-3c1d output-secret-55e1 plain-id other-secret-0b2e';
    // The other stack's fromFile secret is not read: it is not in the run.
    expect(masker.mask(text)).toBe('*** *** *** *** plain-id other-secret-0b2e');
    expect(readFileSync(join(temp.path, 'runs.txt'), 'utf8')).toBe('ran\n');
  });

  it('leaves fromCommand secrets out when asked not to run commands', async () => {
    const temp = await createTempDir('sf-outside-masker-');
    temps.push(temp);
    writeFileSync(join(temp.path, 'secret.txt'), 'file-secret-81aa\n');
    const masker = await buildMaskerOutsideRun({ manifest, manifestDir: temp.path, env: { PATH: process.env['PATH'] }, store: new MemoryStore(), stacks: ['db'], readCommands: false });
    expect(masker.mask('file-secret-81aa command-secret-3c1d')).toBe('*** command-secret-3c1d');
    expect(existsSync(join(temp.path, 'runs.txt'))).toBe(false);
  });
});
