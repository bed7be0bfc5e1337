import { buildTestManifest, createGitSandbox, type GitSandbox } from '@stackfleet/test-utils';
import { mkdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { ValidationError } from '@stackfleet/core';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
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
  it('clones a file:// remote once and moves its one working directory between shas, keeping untracked files', async () => {
    const box = await createRemote();
    const stateDir = join(box.root, 'state');
    const url = `file://${box.dir('payments')}`;
    const options = { manifestDir: box.dir('fleet'), stateDir };
    const first = await checkoutRepos(manifestFor(url, 'v1.0.0'), options);
    const v1 = (await box.git('payments', ['rev-parse', 'v1.0.0'])).trim();
    expect(first.shas.payments).toBe(v1);
    expect(first.dirs.payments).toBe(join(stateDir, 'checkouts', 'payments'));
    expect(await readFile(join(first.dirs.payments!, 'stacks/app/main.tf'), 'utf8')).toBe('v1\n');
    expect(first.shas['']).toBe((await box.git('fleet', ['rev-parse', 'HEAD'])).trim());
    expect(first.warnings).toEqual([]);
    // Local state beside the code, as terraform leaves it.
    await writeFile(join(first.dirs.payments!, 'stacks/app/terraform.tfstate'), 'state\n');
    await first.release();

    await box.commit('payments', { 'stacks/app/main.tf': 'v2\n' });
    await box.tag('payments', 'v2.0.0');
    const second = await checkoutRepos(manifestFor(url, 'v2.0.0'), options);
    expect(second.dirs.payments).toBe(first.dirs.payments);
    expect(await readFile(join(second.dirs.payments!, 'stacks/app/main.tf'), 'utf8')).toBe('v2\n');
    expect(await readFile(join(second.dirs.payments!, 'stacks/app/terraform.tfstate'), 'utf8')).toBe('state\n');
    await second.release();
  });

  it('makes a run that needs another sha wait until the holder releases the working directory', async () => {
    const box = await createRemote();
    const url = `file://${box.dir('payments')}`;
    const stateDir = join(box.root, 'state');
    const v1 = await checkoutRepos(manifestFor(url, 'v1.0.0'), { manifestDir: box.dir('fleet'), stateDir });
    await box.commit('payments', { 'stacks/app/main.tf': 'v2\n' });
    await box.tag('payments', 'v2.0.0');
    // Another process holds it at v1 (this test's parent is alive for the whole test).
    await writeFile(join(stateDir, 'checkouts', 'payments.users', 'other'), `${hostname()} ${process.ppid} ${v1.shas.payments}\n`);
    await v1.release();
    const notes: string[] = [];
    let done = false;
    const waiting = checkoutRepos(manifestFor(url, 'v2.0.0'), { manifestDir: box.dir('fleet'), stateDir, onNote: (note) => notes.push(note) })
      .then((result) => { done = true; return result; });
    while (notes.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(notes[0]).toMatch(/^repo payments: working directory .*checkouts\/payments is at [0-9a-f]{7} for another run \(pid \d+ on .*\); waiting for it to finish before moving it to [0-9a-f]{7}$/);
    expect(done).toBe(false);
    expect(await readFile(join(v1.dirs.payments!, 'stacks/app/main.tf'), 'utf8')).toBe('v1\n');
    await rm(join(stateDir, 'checkouts', 'payments.users', 'other'));
    const v2 = await waiting;
    expect(await readFile(join(v2.dirs.payments!, 'stacks/app/main.tf'), 'utf8')).toBe('v2\n');
    await v2.release();
  });

  it('refuses a stack path that is missing at the sha, or a committed symlink out of the checkout', async () => {
    const box = await createRemote();
    await symlink('/tmp', join(box.dir('payments'), 'stacks/evil'));
    await symlink('../../..', join(box.dir('payments'), 'stacks/up'));
    await box.commit('payments', {});
    const url = `file://${box.dir('payments')}`;
    const manifest = buildTestManifest({
      repos: { payments: { name: 'payments', url } },
      stacks: {
        app: { name: 'app', repo: 'payments', path: 'stacks/app' },
        evil: { name: 'evil', repo: 'payments', path: 'stacks/evil' },
        up: { name: 'up', repo: 'payments', path: 'stacks/up' },
        gone: { name: 'gone', repo: 'payments', path: 'nonexistent' },
      },
    });
    const error = await checkoutRepos(manifest, { manifestDir: box.dir('fleet'), stateDir: join(box.root, 'state') }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    const sha = (await box.git('payments', ['rev-parse', 'HEAD'])).trim().slice(0, 7);
    expect((error as ValidationError).problems.map((problem) => `${problem.code} ${problem.keyPath}: ${problem.message}`)).toEqual([
      `E_PATH_ESCAPE stacks.evil.path: path "stacks/evil" resolves through a symlink to /tmp, outside repo payments at HEAD (${sha})`,
      `E_PATH_MISSING stacks.gone.path: "nonexistent" does not exist in repo payments at HEAD (${sha})`,
      `E_PATH_ESCAPE stacks.up.path: path "stacks/up" resolves through a symlink to ${join(box.root, 'state')}, outside repo payments at HEAD (${sha})`,
    ]);
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

  it('fetches several remotes through its queue; results, warnings and the first failure do not depend on which finished first', async () => {
    const box = await createRemote();
    const url = `file://${box.dir('payments')}`;
    const v1 = (await box.git('payments', ['rev-parse', 'v1.0.0'])).trim();
    const names = ['zeta', 'alpha', 'mid', 'beta', 'omega'];
    const manifest = (refs: Record<string, string>) =>
      buildTestManifest({ repos: Object.fromEntries(names.map((name) => [name, { name, url, ref: refs[name] ?? 'v1.0.0' }])), stacks: {} });
    for (const fetchConcurrency of [1, 3]) {
      const options = { manifestDir: box.dir('fleet'), stateDir: join(box.root, `state-${fetchConcurrency}`), fetchConcurrency };
      const result = await checkoutRepos(manifest({}), options);
      expect(Object.keys(result.dirs)).toEqual(['', 'alpha', 'beta', 'mid', 'omega', 'zeta']);
      expect(names.map((name) => result.shas[name])).toEqual(names.map(() => v1));
      await expect(checkoutRepos(manifest({ zeta: 'no-such-z', beta: 'no-such-b' }), options)).rejects.toMatchObject({
        code: 'E_UNKNOWN_REF',
        message: `repo "beta": unknown ref "no-such-b" in ${url}`,
      });
    }
    await rename(box.dir('payments'), join(box.root, 'payments-gone'));
    const offline = await checkoutRepos(manifest({}), { manifestDir: box.dir('fleet'), stateDir: join(box.root, 'state-3'), fetchConcurrency: 3 });
    expect(offline.warnings.map((warning) => warning.slice(0, warning.indexOf(':')))).toEqual(['repo "alpha"', 'repo "beta"', 'repo "mid"', 'repo "omega"', 'repo "zeta"']);
    // About 60 git processes: over vitest's 5 s default on a loaded 2-core machine (5.3 s seen in CI).
  }, 60_000);

  it('uses a local path repo in place at its HEAD', async () => {
    const box = await createRemote();
    const result = await checkoutRepos(manifestFor('../payments'), { manifestDir: box.dir('fleet'), stateDir: join(box.root, 'state') });
    expect(result.dirs.payments).toBe(box.dir('payments'));
    expect(result.shas.payments).toBe((await box.git('payments', ['rev-parse', 'HEAD'])).trim());
  });
});

describe('checkoutRepos on a local path with a ref', () => {
  it('refuses the ref instead of deploying the working tree', async () => {
    const box = await createRemote();
    const error = await checkoutRepos(manifestFor('../payments', 'v1.0.0'), { manifestDir: box.dir('fleet'), stateDir: join(box.root, 'state') })
      .catch((caught: unknown) => caught);
    expect((error as ValidationError).problems).toEqual([expect.objectContaining({ code: 'E_LOCAL_REF', keyPath: 'repos.payments.ref' })]);
  });
});
