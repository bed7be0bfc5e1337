import { StackfleetError } from '@stackfleet/core';

/** Options every command accepts (SPEC §4 "Common flags"). */
export interface GlobalOptions {
  file?: string;
  concurrency?: string;
  keepGoing?: boolean;
  failFast?: boolean;
  json?: boolean;
  color?: boolean;
  ci?: boolean;
}

/** Selector flags (SPEC §4 `sel`). */
export interface SelectionOptions {
  stack?: string[];
  label?: string[];
  exclude?: string[];
  affected?: boolean;
  base?: string;
  head?: string;
  withDependents?: boolean;
  withDependencies?: boolean;
  /** `--no-dependents` sets this to false. */
  dependents?: boolean;
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `-j` as given, or undefined: "Expected `--concurrency` to be a number from 1 and up, got `0`". */
export function parseConcurrency(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) {
    throw new StackfleetError('E_USAGE', `Expected \`--concurrency\` to be a number from 1 and up, got \`${value}\``, {
      hint: 'pass -j 4, for example',
    });
  }
  return parsed;
}
