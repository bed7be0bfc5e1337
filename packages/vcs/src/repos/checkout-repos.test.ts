import { createGitSandbox, type GitSandbox } from '@stackfleet/test-utils';
import { mkdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildTestManifest } from '../testing/manifest-fixture.js';
import { checkoutRepos } from './checkout-repos.js';

let sandbox: GitSandbox | undefined;
afterEach(async () => { await sandbox?.cleanup(); sandbox = undefined; });

async function createRemote(): Promise<GitSandbox> {
  sandbox = await createGitSandbox({
    repos: { payments: { files: { 'stacks/app/main.tf': 'v1\n' } } },
    fleet: { files: { 'stacks.yaml': '{}' } },
  });
  await sandbox.tag('payments', 'v1.0.0');
  return sandbox;
}

function manifestFor(url: string, ref?: string) {
  return buildTestManifest({ repos: { payments: { name: 'payments', url, ...(ref ? { ref } : {}) } }, stacks: {} });
}

describe('checkoutRepos', () => {
  it('clones a file:// remote once and checks out a tag in a worktree per sha', async () => {
    const box = await createRemote();
    const stateDir = join(box.root, 'state');
    const url = `file://${box.dir('payments')}`;
    const options = { manifestDir: box.dir('fleet'), stateDir };
    const first = await checkoutRepos(manifestFor(url, 'v1.0.0'), options);
    const v1 = (await box.git('payments', ['rev-parse', 'v1.0.0'])).trim();
    expect(first.shas.payments).toBe(v1);
    expect(first.dirs.payments).toBe(join(stateDir, 'worktrees', 'payments', v1));
    expect(await readFile(join(first.dirs.payments!, 'stacks/app/main.tf'), 'utf8')).toBe('v1\n');
    expect(first.shas['']).toBe((await box.git('fleet', ['rev-parse', 'HEAD'])).trim());
    expect(first.warnings).toEqual([]);

    await box.commit('payments', { 'stacks/app/main.tf': 'v2\n' });
    await box.tag('payments', 'v2.0.0');
    const second = await checkoutRepos(manifestFor(url, 'v2.0.0'), options);
    expect(second.dirs.payments).not.toBe(first.dirs.payments);
    expect(await readFile(join(second.dirs.payments!, 'stacks/app/main.tf'), 'utf8')).toBe('v2\n');
    // The v1 worktree is untouched: a concurrent run pinned to v1 still sees v1.
    expect(await readFile(join(first.dirs.payments!, 'stacks/app/main.tf'), 'utf8')).toBe('v1\n');
    const reused = await checkoutRepos(manifestFor(url, 'v1.0.0'), options);
    expect(reused.dirs.payments).toBe(first.dirs.payments);
  });

  it('falls back to the cached ref with a warning when the fetch fails, never to another ref', async () => {
    const box = await createRemote();
    const options = { manifestDir: box.dir('fleet'), stateDir: join(box.root, 'state') };
    const url = `file://${box.dir('payments')}`;
    const first = await checkoutRepos(manifestFor(url, 'v1.0.0'), options);
    await rename(box.dir('payments'), join(box.root, 'payments-gone'));
    const offline = await checkoutRepos(manifestFor(url, 'v1.0.0'), options);
    expect(offline.shas.payments).toBe(first.shas.payments);
    expect(offline.warnings).toHaveLength(1);
    expect(offline.warnings[0]).toMatch(/^repo "payments": fetch from file:\/\/.* failed \(.*\); using the cached refs$/);
    const missing = checkoutRepos(manifestFor(url, 'v3.0.0'), options);
    await expect(missing).rejects.toMatchObject({ code: 'E_UNKNOWN_REF', message: expect.stringContaining('"v3.0.0"') });
  });

  it('names repo and ref for an unknown ref and suggests git fetch', async () => {
    const box = await createRemote();
    const url = `file://${box.dir('payments')}`;
    const error = await checkoutRepos(manifestFor(url, 'v9.9.9'), { manifestDir: box.dir('fleet'), stateDir: join(box.root, 'state') })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'E_UNKNOWN_REF' });
    expect((error as Error).message).toBe(`repo "payments": unknown ref "v9.9.9" in ${url}`);
    expect((error as { hint: string }).hint).toContain('git fetch');
  });

  it('rejects ext:: URLs and option-looking URLs or refs before running git', async () => {
    const box = await createRemote();
    const options = { manifestDir: box.dir('fleet'), stateDir: join(box.root, 'state') };
    for (const [url, ref] of [['ext::sh -c touch% /tmp/pwned', undefined], ['--upload-pack=touch /tmp/x', undefined], [`file://${box.dir('payments')}`, '--output=/tmp/x']] as const) {
      await expect(checkoutRepos(manifestFor(url, ref), options)).rejects.toMatchObject({ code: 'E_UNSAFE_GIT_ARG' });
    }
  });

  it('reports a local repo path that is not a git repository', async () => {
    const box = await createRemote();
    await mkdir(join(box.root, 'plain'));
    const options = { manifestDir: box.dir('fleet'), stateDir: join(box.root, 'state') };
    await expect(checkoutRepos(manifestFor('../plain'), options)).rejects.toMatchObject({
      code: 'E_NOT_A_REPO', message: `not a git repository: "${join(box.root, 'plain')}"`,
    });
    await expect(checkoutRepos(manifestFor('../nowhere'), options)).rejects.toMatchObject({ code: 'E_NOT_A_REPO' });
  });

  it('uses a local path repo in place at its HEAD', async () => {
    const box = await createRemote();
    const result = await checkoutRepos(manifestFor('../payments'), { manifestDir: box.dir('fleet'), stateDir: join(box.root, 'state') });
    expect(result.dirs.payments).toBe(box.dir('payments'));
    expect(result.shas.payments).toBe((await box.git('payments', ['rev-parse', 'HEAD'])).trim());
  });
});
