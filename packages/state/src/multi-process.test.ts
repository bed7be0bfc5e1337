import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LockResult } from '@stackfleet/core';
import { openSqliteStore } from './sqlite-store.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const childScript = join(packageDir, 'test', 'fixtures', 'store-child.mjs');

interface Child {
  process: ChildProcess;
  /** Resolves with the next JSON line the child prints. */
  next: () => Promise<{ type: string; result?: LockResult }>;
}

function spawnChild(args: string[]): Child {
  const child = spawn(process.execPath, [childScript, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    process: child,
    next: async () => {
      const line = await lines.next();
      if (line.done) throw new Error(`child ${child.pid} exited before printing (exit code ${child.exitCode})`);
      return JSON.parse(line.value) as { type: string; result?: LockResult };
    },
  };
}

function waitForExit(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

describe('several processes on one state dir', () => {
  let root: string;
  let stateDir: string;
  const children: ChildProcess[] = [];

  beforeAll(() => {
    if (!existsSync(join(packageDir, 'dist', 'index.js'))) {
      throw new Error('packages/state/dist is missing: run `npx tsc -b packages/state` before these tests');
    }
  });
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'stackfleet-multi-'));
    stateDir = join(root, '.stackfleet');
  });
  afterEach(async () => {
    for (const child of children.splice(0)) {
      child.kill('SIGKILL');
      await waitForExit(child);
    }
    rmSync(root, { recursive: true, force: true });
  });

  it('lets exactly one of two contending processes take a lock; the other sees the holder', async () => {
    const goFile = join(root, 'go');
    const contenders = ['run-1', 'run-2'].map((runId) => spawnChild(['contend', stateDir, 'network', runId, goFile]));
    children.push(...contenders.map((contender) => contender.process));
    for (const contender of contenders) expect((await contender.next()).type).toBe('ready');
    writeFileSync(goFile, '');
    const results = await Promise.all(contenders.map(async (contender) => (await contender.next()).result!));

    const winners = results.filter((result) => result.acquired);
    expect(winners).toHaveLength(1);
    const winnerIndex = results.findIndex((result) => result.acquired);
    const loser = results[1 - winnerIndex]!;
    expect(loser).toMatchObject({
      acquired: false,
      heldBy: { stack: 'network', host: hostname(), pid: contenders[winnerIndex]!.process.pid, runId: `run-${winnerIndex + 1}` },
    });

    // Both processes created the key file at the same moment; both secrets must open with the one that won.
    const store = openSqliteStore({ stateDir, env: {} });
    try {
      expect((await store.getOutputs('secret-run-1'))?.outputs.token?.value).toBe('token-of-run-1');
      expect((await store.getOutputs('secret-run-2'))?.outputs.token?.value).toBe('token-of-run-2');
      expect(await store.listLocks()).toHaveLength(1);
    } finally {
      await store.close();
    }
  });

  it('takes over a live lease whose holder on this host was killed, and offers its run for resume', async () => {
    const holder = spawnChild(['hold', stateDir, 'network', 'run-killed']);
    children.push(holder.process);
    expect((await holder.next()).result?.acquired).toBe(true);

    const store = openSqliteStore({ stateDir, env: {} });
    try {
      const me = { host: hostname(), pid: process.pid, runId: 'run-me' };
      const whileAlive = await store.acquireLock('network', me, 60_000, new Date());
      expect(whileAlive).toMatchObject({ acquired: false, heldBy: { pid: holder.process.pid, runId: 'run-killed' } });
      expect(await store.findResumableRun()).toBeUndefined();

      holder.process.kill('SIGKILL');
      await waitForExit(holder.process);

      // The lease has 60 s left, but its holder provably no longer exists.
      expect(await store.acquireLock('network', me, 60_000, new Date())).toMatchObject({ acquired: true, lock: { runId: 'run-me' } });
      expect((await store.findResumableRun())?.id).toBe('run-killed');
      // Once a live process resumes it, nobody else is offered it.
      await store.reopenRun('run-killed', { host: hostname(), pid: process.pid });
      expect(await store.findResumableRun()).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it('does not take over a lock whose holder is a dead pid on another host', async () => {
    const exited = spawn(process.execPath, ['-e', '']);
    await waitForExit(exited);
    const store = openSqliteStore({ stateDir, env: {} });
    try {
      const now = new Date();
      await store.acquireLock('network', { host: 'elsewhere.invalid', pid: exited.pid!, runId: 'run-far' }, 60_000, now);
      const mine = { host: hostname(), pid: process.pid, runId: 'run-me' };
      expect((await store.acquireLock('network', mine, 60_000, now)).acquired).toBe(false);
      // The same dead pid recorded on this host is provably gone.
      await store.forceUnlock('network');
      await store.acquireLock('network', { host: hostname(), pid: exited.pid!, runId: 'run-near' }, 60_000, now);
      expect((await store.acquireLock('network', mine, 60_000, now)).acquired).toBe(true);
    } finally {
      await store.close();
    }
  });
});
