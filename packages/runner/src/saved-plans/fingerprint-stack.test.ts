import { cp, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compareSavedPlan } from '@stackfleet/core';
import { buildTestManifest, createTempDir, type TempDir } from '@stackfleet/test-utils';
import { createFingerprintCache, fingerprintStack, type FingerprintInput } from './fingerprint-stack.js';

describe('fingerprintStack', () => {
  let temp: TempDir;
  beforeEach(async () => {
    temp = await createTempDir();
    await mkdir(join(temp.path, 'app', '.terraform'), { recursive: true });
    await writeFile(join(temp.path, 'app', 'main.tf'), 'resource "terraform_data" "x" {}\n');
    await writeFile(join(temp.path, 'app', '.terraform', 'cache'), 'ignored');
    await writeFile(join(temp.path, 'app', 'terraform.tfstate'), '{}');
  });
  afterEach(() => temp.cleanup());

  const manifest = buildTestManifest({
    stacks: {
      net: { path: 'net' },
      app: {
        path: 'app',
        vars: { cidr: '10.0.0.0/16', subnet: '${{ stacks.net.outputs.subnet }}' },
        env: { REGION: '${{ env.REGION }}' },
        files: { 'backend.auto.tfvars': 'bucket = "b"\n' },
        dependsOn: [{ stack: 'net', outputs: { vpc: 'TF_VAR_vpc' }, mock: { vpc: 'vpc-mock', subnet: 'subnet-mock' } }],
      },
    },
  });
  const input = (overrides: Partial<FingerprintInput> = {}): FingerprintInput => ({
    manifest,
    name: 'app',
    resolve: { manifestDir: temp.path, repoDirs: {}, env: { REGION: 'eu-west-1' } },
    upstream: () => undefined,
    secrets: { DB_PASSWORD: 'hunter2-very-secret' },
    ...overrides,
  });

  it('digests every input under a readable label and never holds a value', async () => {
    const digests = await fingerprintStack(input(), 'salt');
    expect(Object.keys(digests).sort()).toEqual([
      'env REGION',
      'env TF_VAR_cidr',
      'env TF_VAR_subnet',
      'env TF_VAR_vpc',
      'file backend.auto.tfvars',
      'outputs of net',
      'path',
      'runner',
      'secret DB_PASSWORD',
      'stack file main.tf',
    ]);
    const text = JSON.stringify(digests);
    for (const value of ['hunter2-very-secret', 'eu-west-1', '10.0.0.0/16', 'vpc-mock']) expect(text).not.toContain(value);
  });

  it('tells upstream outputs (re-plan) apart from files, secrets and the environment (stale)', async () => {
    const saved = { repo: '', repoSha: '', digests: await fingerprintStack(input(), 'salt') };
    const applied = await fingerprintStack(input({ upstream: (stack) => (stack === 'net' ? { vpc: 'vpc-1', subnet: 'subnet-1' } : undefined) }), 'salt');
    expect(compareSavedPlan(saved, { repoSha: '', digests: applied })).toEqual({ stale: [], upstreams: ['net'] });

    await writeFile(join(temp.path, 'app', 'main.tf'), 'resource "terraform_data" "y" {}\n');
    await writeFile(join(temp.path, 'app', 'terraform.tfstate'), '{"changed": true}');
    const edited = await fingerprintStack(input({ secrets: { DB_PASSWORD: 'rotated' }, resolve: { manifestDir: temp.path, repoDirs: {}, env: { REGION: 'us-east-1' } } }), 'salt');
    expect(compareSavedPlan(saved, { repoSha: '', digests: edited })).toEqual({ stale: ['env REGION', 'secret DB_PASSWORD', 'stack file main.tf'], upstreams: [] });
  });

  it('is the same in another checkout of the same commit (a later CI job applies what an earlier one planned)', async () => {
    const other = await createTempDir('stackfleet-fingerprint-other-');
    try {
      await cp(join(temp.path, 'app'), join(other.path, 'app'), { recursive: true });
      const here = await fingerprintStack(input(), 'salt');
      const there = await fingerprintStack(input({ resolve: { manifestDir: other.path, repoDirs: {}, env: { REGION: 'eu-west-1' } } }), 'salt');
      expect(compareSavedPlan({ repo: '', repoSha: '', digests: here }, { repoSha: '', digests: there })).toEqual({ stale: [], upstreams: [] });
    } finally {
      await other.cleanup();
    }
  });

  it('salts: the same inputs under another salt give other digests', async () => {
    const [a, b] = await Promise.all([fingerprintStack(input(), 'one'), fingerprintStack(input(), 'two')]);
    expect(a['secret DB_PASSWORD']).not.toBe(b['secret DB_PASSWORD']);
  });

  it('never reads the state directory, also when the stack lives above it', async () => {
    const stateDir = join(temp.path, 'app', '.stackfleet');
    await mkdir(stateDir);
    await writeFile(join(stateDir, 'state.db'), 'one');
    const before = await fingerprintStack(input({ stateDir }), 'salt');
    await writeFile(join(stateDir, 'state.db'), 'two');
    expect(await fingerprintStack(input({ stateDir }), 'salt')).toEqual(before);
    expect(Object.keys(before).filter((label) => label.includes('.stackfleet'))).toEqual([]);
    // Without it, the store's files would be stack files (and change between a plan and its apply).
    expect(Object.keys(await fingerprintStack(input(), 'salt'))).toContain('stack file .stackfleet/state.db');
  });

  it('with a cache, reads files and resolves once, but digests secrets and upstream outputs as they are now', async () => {
    const cache = createFingerprintCache();
    const saved = { repo: '', repoSha: '', digests: await fingerprintStack(input({ cache }), 'salt') };
    expect(saved.digests).toEqual(await fingerprintStack(input(), 'salt'));
    // Within the cache's lifetime an edited file is not read again (the same process, no pause: see FingerprintCache).
    await writeFile(join(temp.path, 'app', 'main.tf'), 'resource "terraform_data" "y" {}\n');
    const upstream = (stack: string) => (stack === 'net' ? { vpc: 'vpc-1' } : undefined);
    const again = await fingerprintStack(input({ cache, secrets: { DB_PASSWORD: 'rotated' }, upstream }), 'salt');
    expect(compareSavedPlan(saved, { repoSha: '', digests: again })).toEqual({ stale: ['secret DB_PASSWORD'], upstreams: ['net'] });
    // Without it (a later `apply --from-plan`), the edit is stale.
    expect(compareSavedPlan(saved, { repoSha: '', digests: await fingerprintStack(input(), 'salt') }).stale).toEqual(['stack file main.tf']);
  });

  it('with a cache, digests under another salt as without one (the material is digested again, not reused)', async () => {
    const cache = createFingerprintCache();
    const first = await fingerprintStack(input({ cache }), 'salt-a');
    const second = await fingerprintStack(input({ cache }), 'salt-b');
    expect(second).toEqual(await fingerprintStack(input(), 'salt-b'));
    expect(second['stack file main.tf']).not.toEqual(first['stack file main.tf']);
    // Back to the first salt (the apply's check of a plan saved under it): the same digests again.
    expect(await fingerprintStack(input({ cache }), 'salt-a')).toEqual(first);
  });
});
