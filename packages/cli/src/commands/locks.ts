import { StackfleetError, didYouMean, formatTable } from '@stackfleet/core';
import type { CommandContext } from '../command-context.js';
import { writeLine } from '../io.js';
import { isHolderGone, readThisHost } from '@stackfleet/state';
import { openStore } from '../runtime/open-runtime.js';

/** `stackfleet locks`: every stack lock with holder, run and expiry. */
export async function runLocksCommand(context: CommandContext): Promise<number> {
  const fleet = context.readFleet();
  const store = openStore(fleet, context.io.env);
  try {
    const locks = await store.listLocks();
    if (context.global.json) {
      for (const lock of locks) writeLine(context.io.stdout, JSON.stringify(lock));
      return 0;
    }
    if (locks.length === 0) {
      writeLine(context.io.stdout, 'no locks held');
      return 0;
    }
    const now = Date.now();
    const rows = locks.map((lock) => {
      const expired = Date.parse(lock.expiresAt) < now ? ' (expired)' : isHolderGone(lock.host, lock.pid, readThisHost()) ? ' (holder gone)' : '';
      return [lock.stack, `${lock.host}:${lock.pid}`, lock.runId, `${lock.expiresAt}${expired}`];
    });
    context.io.stdout.write(formatTable({ header: ['STACK', 'HOLDER', 'RUN', 'EXPIRES'], rows }));
    return 0;
  } finally {
    await store.close();
  }
}

/** `stackfleet unlock STACK [--force]`: release a lock whose holder is gone (or any, with --force). */
export async function runUnlockCommand(context: CommandContext, options: { force?: boolean }, args: string[]): Promise<number> {
  const name = args[0] ?? '';
  const fleet = context.readFleet();
  if (!fleet.loaded.manifest.stacks[name]) {
    throw new StackfleetError('E_UNKNOWN_STACK', `unknown stack "${name}"${didYouMean(name, Object.keys(fleet.loaded.manifest.stacks))}`);
  }
  const store = openStore(fleet, context.io.env);
  try {
    const lock = (await store.listLocks()).find((candidate) => candidate.stack === name);
    if (!lock) {
      writeLine(context.io.stdout, `${name} is not locked`);
      return 0;
    }
    // A holder that provably no longer exists (same host, pid gone) cannot be using it.
    const live = Date.parse(lock.expiresAt) > Date.now() && !isHolderGone(lock.host, lock.pid, readThisHost());
    if (live && !options.force) {
      throw new StackfleetError(
        'E_LOCK_HELD',
        `${name} is locked by ${lock.host} pid ${lock.pid} (run ${lock.runId}) until ${lock.expiresAt}`,
        { hint: `wait for that run, or \`stackfleet unlock ${name} --force\` if you are sure it is gone` },
      );
    }
    await store.forceUnlock(name);
    writeLine(context.io.stdout, `unlocked ${name} (was held by ${lock.host} pid ${lock.pid}, run ${lock.runId})`);
    return 0;
  } finally {
    await store.close();
  }
}
