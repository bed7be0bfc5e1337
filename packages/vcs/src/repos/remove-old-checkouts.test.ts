import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removeOldCheckouts } from './remove-old-checkouts.js';

let stateDir: string;
beforeEach(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'sf-checkouts-'));
});
afterEach(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

async function checkout(repo: string, sha: string, touchedAt: Date, files: Record<string, string> = {}): Promise<string> {
  const dir = join(stateDir, 'worktrees', repo, sha);
  await mkdir(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), content);
  }
  await utimes(dir, touchedAt, touchedAt);
  return dir;
}

describe('removeOldCheckouts', () => {
  it('removes old per-sha checkouts, keeps recent ones and any holding terraform state', async () => {
    await checkout('payments', 'aaa', new Date('2026-01-01'), { 'stacks/api/main.tf': '' });
    const stateful = await checkout('payments', 'bbb', new Date('2026-01-02'), { 'stacks/api/terraform.tfstate': '{}' });
    await checkout('payments', 'ccc', new Date('2026-03-01'));
    const olderThan = new Date('2026-02-01');
    expect(await removeOldCheckouts({ stateDir, olderThan, dryRun: true })).toEqual({ removed: [join(stateDir, 'worktrees/payments/aaa')], kept: [stateful] });
    expect(await readdir(join(stateDir, 'worktrees/payments'))).toHaveLength(3);
    await removeOldCheckouts({ stateDir, olderThan });
    expect((await readdir(join(stateDir, 'worktrees/payments'))).sort()).toEqual(['bbb', 'ccc']);
  });
});
