import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startOrphanWatchdog, watchProcessGroup } from './orphan-watchdog.js';

/** Zombies count as dead: in a container nobody may reap a re-parented child. */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function waitUntil(condition: () => boolean): Promise<boolean> {
  for (let i = 0; i < 250 && !condition(); i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
  return condition();
}

function startGroup(): number {
  const child = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
  child.unref();
  return child.pid!;
}

// One watchdog per process (module state): this file gets its own, and ends it.
describe('the orphan watchdog', () => {
  it('terminates the groups still registered when its pipe closes without a goodbye, and only those', async () => {
    const watchdog = startOrphanWatchdog();
    expect(watchdog?.pid).toBeTypeOf('number');
    const orphan = startGroup();
    const finished = startGroup();
    watchProcessGroup(orphan);
    const unwatch = watchProcessGroup(finished);
    unwatch();
    // Unregistrations of one event-loop turn are written together, at its end.
    await new Promise((resolve) => setImmediate(resolve));
    // What stackfleet dying (kill -9) looks like to the watchdog.
    watchdog!.stdin!.end();
    expect(await waitUntil(() => !isAlive(orphan))).toBe(true);
    expect(await waitUntil(() => !isAlive(watchdog!.pid!))).toBe(true);
    expect(isAlive(finished)).toBe(true);
    process.kill(-finished, 'SIGKILL');
  });
});
