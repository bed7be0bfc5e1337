import { mkdir, readdir, readFile, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** A claim on a repo's working directory at one sha; `release` ends it. */
export interface WorkingDirLease {
  release(): Promise<void>;
}

export interface LeaseWorkingDirOptions {
  /** Said once when the directory is held at another sha and this run waits. */
  onWait?: (message: string) => void;
  /** @default 500 */
  pollMs?: number;
}

interface Holder {
  file: string;
  host: string;
  pid: number;
  sha: string;
}

// Leases this process holds (the UI runs several runs from one process): one holder file per process, counted here.
const heldHere = new Map<string, { sha: string; count: number }>();

// A mutex left by a killed process is taken over after this long: the section it guards takes a git checkout.
const STALE_MUTEX_MS = 60_000;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readHolders(usersDir: string, self: string): Promise<Holder[]> {
  const holders: Holder[] = [];
  const host = hostname();
  for (const file of await readdir(usersDir).catch(() => [] as string[])) {
    if (file === self) continue;
    const text = await readFile(join(usersDir, file), 'utf8').catch(() => '');
    const [holderHost = '', pidText = '', sha = ''] = text.trim().split(' ');
    const pid = Number(pidText);
    // A holder on this host whose process is gone (kill -9, a crash) holds nothing.
    if (holderHost === host && !isAlive(pid)) {
      await rm(join(usersDir, file), { force: true });
      continue;
    }
    holders.push({ file, host: holderHost, pid, sha });
  }
  return holders;
}

async function withMutex<T>(mutexDir: string, pollMs: number, body: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      await mkdir(mutexDir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = await stat(mutexDir).then((info) => Date.now() - info.mtimeMs, () => 0);
      if (age > STALE_MUTEX_MS) await rmdir(mutexDir).catch(() => undefined);
      else await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, 100)));
    }
  }
  try {
    return await body();
  } finally {
    await rmdir(mutexDir).catch(() => undefined);
  }
}

/**
 * Holds `dir` (one repo's working directory) at `sha` for this process, and
 * runs `moveTo` while no other live process holds it. Processes that need the
 * same sha share the directory; one that needs another sha waits until every
 * holder released it, so a running terraform never sees its files change
 * underneath it. Holders are files `<dir>.users/<host>-<pid>`; a dead holder on
 * this host is ignored.
 */
export async function leaseWorkingDir(
  dir: string,
  sha: string,
  moveTo: () => Promise<void>,
  options: LeaseWorkingDirOptions = {},
): Promise<WorkingDirLease> {
  const usersDir = `${dir}.users`;
  const self = `${hostname()}-${process.pid}`;
  const pollMs = options.pollMs ?? 500;
  await mkdir(usersDir, { recursive: true });
  let waited = false;
  for (;;) {
    const other = await withMutex(`${dir}.lock`, pollMs, async () => {
      const mine = heldHere.get(dir);
      if (mine && mine.sha !== sha) return { file: self, host: hostname(), pid: process.pid, sha: mine.sha };
      if (mine) {
        mine.count += 1;
        return undefined;
      }
      const holders = await readHolders(usersDir, self);
      const conflict = holders.find((holder) => holder.sha !== sha);
      if (conflict) return conflict;
      await moveTo();
      await writeFile(join(usersDir, self), `${hostname()} ${process.pid} ${sha}\n`);
      heldHere.set(dir, { sha, count: 1 });
      return undefined;
    });
    if (!other) break;
    if (!waited) {
      waited = true;
      options.onWait?.(
        `working directory ${dir} is at ${other.sha.slice(0, 7)} for another run (pid ${other.pid} on ${other.host}); ` +
        `waiting for it to finish before moving it to ${sha.slice(0, 7)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  let released = false;
  return {
    release: async () => {
      const mine = heldHere.get(dir);
      if (released || !mine) return;
      released = true;
      mine.count -= 1;
      if (mine.count > 0) return;
      heldHere.delete(dir);
      await rm(join(usersDir, self), { force: true });
    },
  };
}
