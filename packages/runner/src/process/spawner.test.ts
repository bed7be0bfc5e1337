import { describe, expect, it } from 'vitest';
// Test-only helpers: the runner never depends on test-utils at runtime.
import { isProcessRunning } from '@stackfleet/test-utils';
import { spawnInSpawner, startSpawner, type SpawnEvent } from './spawner.js';

async function waitUntil(condition: () => boolean): Promise<boolean> {
  for (let i = 0; i < 250 && !condition(); i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
  return condition();
}

function collect(file: string, args: string[]): { events: SpawnEvent[]; done: Promise<void>; release: (line: string) => void } {
  const events: SpawnEvent[] = [];
  let settle: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (settle = resolve));
  const started = spawnInSpawner({ file, args, cwd: process.cwd(), env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ONLY: 'this' } }, (event) => {
    events.push(event);
    if (event.type === 'close' || event.type === 'error') settle();
  });
  return { events, done, release: (line) => started.release(line) };
}

const text = (events: SpawnEvent[], stream: string): string =>
  events
    .filter((event): event is Extract<SpawnEvent, { type: 'data' }> => event.type === 'data' && event.stream === stream)
    .map((event) => Buffer.from(event.bytes).toString())
    .join('');

// One spawner per process (module state): this file gets its own, and ends it.
describe('the spawner process', () => {
  it('runs a process in its own group with exactly the env given, waits for the go line, and relays output, exit and close in order', async () => {
    const script = 'IFS= read -r go; echo "out $go $ONLY ${HOME-unset}"; echo err >&2; [ "$(ps -o pgid= $$ | tr -d " ")" = "$$" ] && exit 3; exit 4';
    const run = collect('/bin/sh', ['-c', script]);
    await waitUntil(() => run.events.length > 0);
    expect(run.events[0]).toMatchObject({ type: 'spawned', pid: expect.any(Number) });
    run.release('go\n');
    await run.done;
    expect(text(run.events, 'stdout')).toBe('out go this unset\n');
    expect(text(run.events, 'stderr')).toBe('err\n');
    const types = run.events.map((event) => event.type).filter((type) => type !== 'data');
    expect(types).toEqual(['spawned', 'exit', 'close']);
    expect(run.events.find((event) => event.type === 'exit')).toMatchObject({ type: 'exit', code: 3, signal: null });
  });

  it('reports a program that cannot start as an error', async () => {
    const run = collect('/nonexistent/program', []);
    await run.done;
    expect(run.events).toEqual([expect.objectContaining({ type: 'error', code: 'ENOENT' })]);
  });

  it('is the orphan watchdog: when its channel closes (what a kill -9 of stackfleet looks like to it) it ends every group it still runs, then exits', async () => {
    const helper = startSpawner();
    const pidOf = async (run: ReturnType<typeof collect>): Promise<number> => {
      await waitUntil(() => run.events.length > 0);
      const spawned = run.events[0];
      if (spawned?.type !== 'spawned') throw new Error(`not spawned: ${JSON.stringify(spawned)}`);
      return spawned.pid;
    };
    // One still waiting behind its start gate, one running with a child of its own, one already done.
    const gate = collect('/bin/sh', ['-c', 'IFS= read -r go || exit 129; exec sleep 30']);
    const running = collect('/bin/sh', ['-c', 'IFS= read -r go; sleep 30 & echo "$!"; wait']);
    const done = collect('/bin/sh', ['-c', 'IFS= read -r go; exit 0']);
    const [gatePid, runningPid] = [await pidOf(gate), await pidOf(running)];
    running.release('go\n');
    done.release('go\n');
    await done.done;
    await waitUntil(() => text(running.events, 'stdout') !== '');
    const grandchild = Number(text(running.events, 'stdout'));
    expect(isProcessRunning(grandchild)).toBe(true);
    helper.disconnect();
    expect(await waitUntil(() => !isProcessRunning(helper.pid!))).toBe(true);
    for (const pid of [gatePid, runningPid, grandchild]) expect(await waitUntil(() => !isProcessRunning(pid))).toBe(true);
    // Whatever was in flight hears that it cannot be followed any more.
    await Promise.all([gate.done, running.done]);
    expect(gate.events.at(-1)).toMatchObject({ type: 'error', message: expect.stringContaining('the spawner process stopped') });
    expect(running.events.at(-1)).toMatchObject({ type: 'error', message: expect.stringContaining('the spawner process stopped') });
    // The next spawn starts a new spawner.
    const next = collect('/bin/sh', ['-c', 'echo again']);
    await waitUntil(() => next.events.length > 0);
    next.release('');
    await next.done;
    expect(text(next.events, 'stdout')).toBe('again\n');
    expect(startSpawner().pid).not.toBe(helper.pid);
  });

  it('when the spawner itself is killed, the groups it ran are ended and reported failed, and the next spawn starts a new one', async () => {
    const helper = startSpawner();
    const run = collect('/bin/sh', ['-c', 'IFS= read -r go; echo up; exec sleep 30']);
    run.release('go\n');
    await waitUntil(() => text(run.events, 'stdout') === 'up\n');
    const spawned = run.events[0];
    if (spawned?.type !== 'spawned') throw new Error(`not spawned: ${JSON.stringify(spawned)}`);
    process.kill(helper.pid!, 'SIGKILL');
    await run.done;
    expect(run.events.at(-1)).toMatchObject({ type: 'error', message: expect.stringContaining('signal SIGKILL') });
    expect(await waitUntil(() => !isProcessRunning(spawned.pid))).toBe(true);
    expect(startSpawner().pid).not.toBe(helper.pid);
  });
});
