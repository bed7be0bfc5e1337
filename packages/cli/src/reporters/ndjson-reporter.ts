import type { Writable } from 'node:stream';
import type { RunReporter } from '@stackfleet/runner';

/**
 * `--json`: one event per line on stdout (SPEC §4). Events arrive already
 * masked. The lines of one turn of the event loop go out in one write, at
 * the end of that turn, at `run.finished`, and when the run is over (`close`,
 * also when it threw): a run sends several events a turn, and each write was
 * a trip through the stream and a system call of its own, ~10 µs an event
 * (an apply judged by policies sends two runs' worth, issue #13).
 */
export function createNdjsonReporter(stdout: Writable): RunReporter {
  let pending = '';
  const flush = (): void => {
    if (pending === '') return;
    const lines = pending;
    pending = '';
    stdout.write(lines);
  };
  return {
    onEvent: (event) => {
      if (pending === '') setImmediate(flush);
      pending += `${JSON.stringify(event)}\n`;
      if (event.type === 'run.finished') flush();
    },
    close: async () => flush(),
  };
}
