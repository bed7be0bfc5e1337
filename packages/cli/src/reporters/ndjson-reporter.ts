import type { Writable } from 'node:stream';
import type { RunEvent } from '@stackfleet/core';

/** `--json`: one event per line on stdout (SPEC §4). Events arrive already masked. */
export function createNdjsonReporter(stdout: Writable): (event: RunEvent) => void {
  return (event) => {
    stdout.write(`${JSON.stringify(event)}\n`);
  };
}
