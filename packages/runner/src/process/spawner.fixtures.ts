import { beforeAll, describe, expect, it } from 'vitest';
// Test-only helpers: the runner never depends on test-utils at runtime.
import { isProcessRunning } from '@stackfleet/test-utils';
import { spawnInSpawner, startSpawner, type SpawnEvent } from './spawner.js';

/**
 * The spawner's behaviour, for both ways it starts processes (Node's process
 * and pipe handles, or child_process: `portable`). One spawner per process
 * (module state): each test file that calls this gets its own, and ends it.
 */
export function describeSpawner(options: { portable?: boolean }): void {
  async function waitUntil(condition: () => boolean): Promise<boolean> {
    for (let i = 0; i < 250 && !condition(); i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    return condition();
  }

  function collect(file: string, args: string[]): { events: SpawnEvent[]; done: Promise<void> } {
    const events: SpawnEvent[] = [];
    let settle: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (settle = resolve));
    spawnInSpawner({ file, args, cwd: process.cwd(), env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ONLY: 'this' } }, (event) => {
      events.push(event);
      if (event.type === 'close' || event.type === 'error') settle();
    });
    return { events, done };
  }

  const text = (events: SpawnEvent[], stream: string): string =>
    events
      .filter((event): event is Extract<SpawnEvent, { type: 'data' }> => event.type === 'data' && event.stream === stream)
      .map((event) => Buffer.from(event.bytes).toString())
      .join('');

  describe(`the spawner process${options.portable ? ' (child_process)' : ''}`, () => {
    beforeAll(() => void startSpawner(options));

    it('runs a process at once in its own group with exactly the env given and stdin at EOF, and relays output, then close with the exit status', async () => {
      const script = 'read -r line; echo "out ${line:-eof} $ONLY ${HOME-unset}"; echo err >&2; [ "$(ps -o pgid= $$ | tr -d " ")" = "$$" ] && exit 3; exit 4';
      const run = collect('/bin/sh', ['-c', script]);
      await run.done;
      expect(run.events[0]).toMatchObject({ type: 'spawned', pid: expect.any(Number) });
      expect(text(run.events, 'stdout')).toBe('out eof this unset\n');
      expect(text(run.events, 'stderr')).toBe('err\n');
      // Usually one message for exit and close, when the streams end with the process (on a busy machine the streams may end a turn later).
      const types = run.events.map((event) => event.type).filter((type) => type !== 'data');
      expect([['spawned', 'close'], ['spawned', 'exit', 'close']]).toContainEqual(types);
      expect(run.events.at(-1)).toMatchObject({ type: 'close', code: 3, signal: null });
    });

    it('reports the exit on its own when something left in the group keeps the streams open', async () => {
      const run = collect('/bin/sh', ['-c', 'sleep 30 & echo "$!"; exit 5']);
      await waitUntil(() => run.events.some((event) => event.type === 'exit'));
      expect(run.events.find((event) => event.type === 'exit')).toMatchObject({ code: 5, signal: null });
      expect(run.events.some((event) => event.type === 'close')).toBe(false);
      // What the CLI does then (run-process.ts): end the group, which closes the streams.
      const spawned = run.events[0];
      if (spawned?.type !== 'spawned') throw new Error(`not spawned: ${JSON.stringify(spawned)}`);
      process.kill(-spawned.pid, 'SIGTERM');
      await run.done;
      expect(run.events.at(-1)).toMatchObject({ type: 'close', code: 5, signal: null });
    });

    it('reports a program that cannot start as an error', async () => {
      const run = collect('/nonexistent/program', []);
      await run.done;
      expect(run.events).toEqual([expect.objectContaining({ type: 'error', code: 'ENOENT' })]);
    });

    it('reports a process ended by a signal with the signal and no exit code', async () => {
      const run = collect('/bin/sh', ['-c', 'kill -TERM $$; sleep 5']);
      await run.done;
      expect(run.events.at(-1)).toMatchObject({ type: 'close', code: null, signal: 'SIGTERM' });
    });

    it('relays output of many reads byte for byte, each stream on its own', async () => {
      const run = collect('/bin/sh', ['-c', 'seq 1 40000; seq 1 3 >&2']);
      await run.done;
      expect(text(run.events, 'stdout')).toBe(Array.from({ length: 40000 }, (_, index) => `${index + 1}\n`).join(''));
      expect(text(run.events, 'stderr')).toBe('1\n2\n3\n');
    });

    it('refuses a NUL byte in an argument or the environment (exec would cut it short)', async () => {
      const inArgument = collect('/bin/sh', ['-c', 'true\u0000; echo ran']);
      await inArgument.done;
      expect(inArgument.events).toEqual([expect.objectContaining({ type: 'error', code: 'ERR_INVALID_ARG_VALUE' })]);
    });

    it('is the orphan watchdog: when its channel closes (what a kill -9 of stackfleet looks like to it) it ends every group it still runs, then exits', async () => {
      const helper = startSpawner();
      const pidOf = async (run: ReturnType<typeof collect>): Promise<number> => {
        await waitUntil(() => run.events.length > 0);
        const spawned = run.events[0];
        if (spawned?.type !== 'spawned') throw new Error(`not spawned: ${JSON.stringify(spawned)}`);
        return spawned.pid;
      };
      // One waiting for input that never comes, one running with a child of its own, one already done.
      const waiting = collect('/bin/sh', ['-c', 'exec sleep 30']);
      const running = collect('/bin/sh', ['-c', 'sleep 30 & echo "$!"; wait']);
      const done = collect('/bin/sh', ['-c', 'exit 0']);
      const [waitingPid, runningPid] = [await pidOf(waiting), await pidOf(running)];
      await done.done;
      await waitUntil(() => text(running.events, 'stdout') !== '');
      const grandchild = Number(text(running.events, 'stdout'));
      expect(isProcessRunning(grandchild)).toBe(true);
      helper.disconnect();
      expect(await waitUntil(() => !isProcessRunning(helper.pid!))).toBe(true);
      for (const pid of [waitingPid, runningPid, grandchild]) expect(await waitUntil(() => !isProcessRunning(pid))).toBe(true);
      // Whatever was in flight hears that it cannot be followed any more.
      await Promise.all([waiting.done, running.done]);
      expect(waiting.events.at(-1)).toMatchObject({ type: 'error', message: expect.stringContaining('the spawner process stopped') });
      expect(running.events.at(-1)).toMatchObject({ type: 'error', message: expect.stringContaining('the spawner process stopped') });
      // The next spawn starts a new spawner.
      const next = collect('/bin/sh', ['-c', 'echo again']);
      await next.done;
      expect(text(next.events, 'stdout')).toBe('again\n');
      expect(startSpawner().pid).not.toBe(helper.pid);
    });

    it('when the spawner itself is killed, the groups it ran are ended and reported failed, and the next spawn starts a new one', async () => {
      const helper = startSpawner();
      const run = collect('/bin/sh', ['-c', 'echo up; exec sleep 30']);
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
}
