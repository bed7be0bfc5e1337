import { mkdir, mkdtemp, readdir, rm, utimes } from 'node:fs/promises';
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

async function checkout(repo: string, sha: string, touchedAt: Date): Promise<void> {
  const dir = join(stateDir, 'worktrees', repo, sha);
  await mkdir(dir, { recursive: true });
  await utimes(dir, touchedAt, touchedAt);
}

describe('removeOldCheckouts', () => {
  it('removes checkouts older than the cutoff but always keeps the newest of each repo', async () => {
    await checkout('payments', 'aaa', new Date('2026-01-01'));
    await checkout('payments', 'bbb', new Date('2026-01-02'));
    await checkout('payments', 'ccc', new Date('2026-03-01'));
    await checkout('network', 'old', new Date('2026-01-01'));
    const olderThan = new Date('2026-02-01');
    expect(await removeOldCheckouts({ stateDir, olderThan, dryRun: true })).toEqual([
      join(stateDir, 'worktrees/payments/bbb'),
      join(stateDir, 'worktrees/payments/aaa'),
    ]);
    expect(await readdir(join(stateDir, 'worktrees/payments'))).toHaveLength(3);
    await removeOldCheckouts({ stateDir, olderThan });
    expect(await readdir(join(stateDir, 'worktrees/payments'))).toEqual(['ccc']);
    expect(await readdir(join(stateDir, 'worktrees/network'))).toEqual(['old']);
  });
});
