import type { GlobalOptionKey, OptionSpec } from './command-spec.js';
import { parseWholeNumberFlag } from './flag-parsers.js';

/** SPEC §4 "Common flags": accepted anywhere on the line, listed in the `--help` of each command that honours them. */
export const GLOBAL_OPTIONS: ReadonlyArray<OptionSpec & { key: GlobalOptionKey }> = [
  {
    key: 'file',
    flags: '-f, --file <path>',
    description: 'manifest path (default: ./stacks.yaml or the nearest in a parent directory)',
    complete: 'file',
  },
  {
    key: 'concurrency',
    flags: '-j, --concurrency <n>',
    description: 'maximum stacks running at once (default: settings.concurrency, else min(4, CPUs))',
    parse: parseWholeNumberFlag('--concurrency', 'pass -j 4, for example'),
  },
  { key: 'keepGoing', flags: '--keep-going', description: 'independent branches continue after a failure (default)' },
  { key: 'failFast', flags: '--fail-fast', description: 'start nothing new after the first failure' },
  { key: 'json', flags: '--json', description: 'print NDJSON events / JSON on stdout; human logs go to stderr' },
  { key: 'color', flags: '--no-color', description: 'disable colours (also NO_COLOR)' },
  { key: 'ci', flags: '--ci', description: 'force headless output (automatic when CI=true or stdout is not a TTY)' },
];

/** Commands that run stacks honour every global flag. */
export const RUN_GLOBALS: readonly GlobalOptionKey[] = ['file', 'concurrency', 'keepGoing', 'failFast', 'json', 'color', 'ci'];

/** Commands that read the manifest or the store and print a listing. */
export const READ_GLOBALS: readonly GlobalOptionKey[] = ['file', 'json'];
