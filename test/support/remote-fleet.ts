/**
 * Distributed-run sandboxes for the e2e tests: a fleet repository pushed to a
 * bare origin, clones of it (the machine that queues with `--remote`, worker
 * machines), a fresh database on one shared PostgreSQL server, and CLI
 * processes that are killed when their test ends.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startPostgres, type PostgresServer } from '@stackfleet/test-utils';
import { git, makeTempDir, pushSeedToOrigin, startStackfleet, type CliResult } from './cli.js';

export interface RemoteSandbox {
  dir: string;
  /** The clone that queues runs. */
  ci: string;
  /** Another clone per worker machine. */
  clone: (name: string) => string;
  ledger: string;
  env: Record<string, string>;
  readLedger: () => string[];
}

export interface RemoteHarness {
  /** A fleet repository with `stacks` (YAML under `stacks:`; `settings`: more lines under `settings:`) and a fresh database. */
  sandbox: (stacks: string, dirs: string[], settings?: string) => Promise<RemoteSandbox>;
  /** A CLI process for this test; whatever still runs when the test ends is killed. */
  start: (args: string[], options: { cwd: string; env: Record<string, string> }) => ReturnType<typeof startStackfleet>;
  /** The CLI as a process that must end within `timeoutMs` (killed otherwise, so a hang fails the test instead of the suite). */
  run: (args: string[], options: { cwd: string; env: Record<string, string> }, timeoutMs?: number) => Promise<CliResult>;
  /** Temp dirs removed after the file. */
  cleanups: (() => void)[];
}

/** Registers the file's hooks: one PostgreSQL server for the file, processes killed after each test. */
export function useRemoteHarness(prefix: string): RemoteHarness {
  let server: PostgresServer;
  const cleanups: (() => void)[] = [];
  const started: ReturnType<typeof startStackfleet>[] = [];
  let databases = 0;
  beforeAll(async () => {
    server = await startPostgres();
  }, 60_000);
  afterAll(async () => {
    for (const cleanup of cleanups) cleanup();
    await server?.stop();
  });
  afterEach(() => {
    for (const process of started.splice(0)) if (process.child.exitCode === null && process.child.signalCode === null) process.child.kill('SIGKILL');
  });
  const start: RemoteHarness['start'] = (args, options) => {
    const process = startStackfleet(args, options);
    started.push(process);
    return process;
  };
  return {
    cleanups,
    start,
    run: async (args, options, timeoutMs = 60_000) => {
      const child = start(args, options);
      const timer = setTimeout(() => child.child.kill('SIGKILL'), timeoutMs);
      try {
        return await child.done;
      } finally {
        clearTimeout(timer);
      }
    },
    sandbox: async (stacks, dirs, settings = '') => {
      const { dir, cleanup } = makeTempDir(`stackfleet-${prefix}-`);
      cleanups.push(cleanup);
      const origin = join(dir, 'origin.git');
      const seed = join(dir, 'seed');
      for (const name of dirs) {
        mkdirSync(join(seed, name), { recursive: true });
        writeFileSync(join(seed, name, '.keep'), '');
      }
      writeFileSync(join(seed, 'stacks.yaml'), `version: 1\nsettings:\n  fleet: remote-e2e\n  state: { url: "\${{ env.FLEET_DB }}" }\n${settings}stacks:\n${stacks}`);
      writeFileSync(join(seed, '.gitignore'), '.stackfleet/\n');
      pushSeedToOrigin(seed, origin);
      const clone = (name: string): string => {
        const target = join(dir, name);
        git(dir, 'clone', '-q', origin, target);
        return target;
      };
      const ledger = join(dir, 'ledger');
      const url = await server.createDatabase(`${prefix.replaceAll('-', '_')}_${++databases}`);
      return {
        dir,
        ci: clone('ci'),
        clone,
        ledger,
        env: { FLEET_DB: url, LEDGER: ledger, STACKFLEET_WORKER_POLL_MS: '100', STACKFLEET_FOLLOW_POLL_MS: '100' },
        readLedger: () => (existsSync(ledger) ? readFileSync(ledger, 'utf8').trim().split('\n').filter(Boolean) : []),
      };
    },
  };
}

export async function waitFor(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The run id a `--remote` follower announces on stderr. */
export function queuedRunId(stderr: string): string | undefined {
  return /queued run (\S+)/.exec(stderr)?.[1];
}

/** The YAML of a command stack's runner and apply command (indented for a stack's keys). */
export const command = (apply: string): string => `    runner: command\n    commands: { apply: ${JSON.stringify(apply)} }\n`;
