import { buildTestManifest, createGitSandbox, type GitSandbox } from '@stackfleet/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { compareWithLastApply } from './compare-with-last-apply.js';

let sandbox: GitSandbox | undefined;
afterEach(async () => { await sandbox?.cleanup(); sandbox = undefined; });

describe('compareWithLastApply', () => {
  it('compares each stack from the sha of its last apply to the head: paths, modules, watch globs, never applied, lost history', async () => {
    const box = await createGitSandbox({
      repos: {
        services: {
          files: {
            'db/main.tf': 'module "m" {\n  source = "../modules/m"\n}\n',
            'modules/m/main.tf': 'resource "terraform_data" "m" {}\n',
            'web/run.sh': 'echo web\n',
            'zones/a.json': '{}\n',
            'cache/run.sh': 'echo cache\n',
          },
        },
      },
    });
    sandbox = box;
    const first = (await box.git('services', ['rev-parse', 'HEAD'])).trim();
    const second = await box.commit('services', { 'modules/m/main.tf': 'resource "terraform_data" "m" { input = 1 }\n' });
    const third = await box.commit('services', { 'zones/a.json': '{"a":1}\n' });
    const manifest = buildTestManifest({
      repos: { services: { name: 'services', url: 'file:///services', ref: 'main' } },
      stacks: {
        db: { repo: 'services', path: 'db' },
        web: { repo: 'services', path: 'web', runner: 'command', watch: ['zones/**'] },
        cache: { repo: 'services', path: 'cache', runner: 'command' },
        fresh: { repo: 'services', path: 'web', runner: 'command' },
        lost: { repo: 'services', path: 'cache', runner: 'command' },
        current: { repo: 'services', path: 'db' },
      },
    });
    const applied: Record<string, string | undefined> = {
      db: first, web: second, cache: first, fresh: undefined, lost: 'f'.repeat(40), current: third,
    };
    const result = await compareWithLastApply(
      manifest,
      { name: 'services', dir: box.dir('services'), ref: 'main', sha: third },
      async (stack) => (applied[stack] ? { services: applied[stack] } : undefined),
    );
    const s = (sha: string) => sha.slice(0, 7);
    expect(Object.fromEntries(result)).toEqual({
      db: `repo services: main moved ${s(first)} -> ${s(third)} since the last apply; modules/m/main.tf changed (module source ../modules/m)`,
      web: `repo services: main moved ${s(second)} -> ${s(third)} since the last apply; zones/a.json changed (watch zones/**)`,
      fresh: `repo services: never applied; now at main (${s(third)})`,
      lost: `repo services: main moved fffffff -> ${s(third)} since the last apply; fffffff is no longer in its history`,
    });
  });
});
