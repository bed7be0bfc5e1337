// The light subpath: this runs at start-up, before a command loads the manifest machinery.
import { StackfleetError } from '@stackfleet/core/errors';

/** Pairs of flags that ask for opposite things: silently picking one would surprise whoever typed both. */
const CONTRADICTIONS: ReadonlyArray<{ flags: [string, string]; given: (options: Record<string, unknown>) => boolean }> = [
  { flags: ['--fail-fast', '--keep-going'], given: (options) => options.failFast === true && options.keepGoing === true },
  { flags: ['--with-dependents', '--no-dependents'], given: (options) => options.withDependents === true && options.dependents === false },
];

/** Throws E_USAGE for the first contradicting pair among the parsed options (globals included). */
export function refuseContradictingFlags(options: Record<string, unknown>): void {
  for (const { flags, given } of CONTRADICTIONS) {
    if (!given(options)) continue;
    throw new StackfleetError('E_USAGE', `${flags[0]} and ${flags[1]} contradict each other`, { hint: 'pass only one of them' });
  }
}
