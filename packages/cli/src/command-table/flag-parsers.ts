// The light subpaths, not the package index: flags are parsed at start-up,
// before any command loads the manifest machinery (docs/benchmarks.md).
import { parseDuration } from '@stackfleet/core/duration';
import { StackfleetError } from '@stackfleet/core/errors';

/** A repeatable flag: `--stack a --stack b` -> `['a', 'b']`. */
export function collect(value: string, previous: unknown): string[] {
  return [...(Array.isArray(previous) ? (previous as string[]) : []), value];
}

/** `-j 4` -> 4; `0`, `1.5`, `four` are usage errors that quote the value. */
export function parseWholeNumberFlag(flag: string, hint?: string): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value) || Number(value) < 1) {
      throw new StackfleetError('E_USAGE', `${flag} expects a whole number from 1 and up, got \`${value}\``, { hint });
    }
    return Number(value);
  };
}

/**
 * `--lock-timeout 5m` -> 300000 (ms). The manifest's parser, so a flag accepts
 * exactly what `timeout:` in stacks.yaml accepts: a bare `90` has no unit and
 * is refused in both places.
 */
export function parseDurationFlag(flag: string): (value: string) => number {
  return (value) => {
    const ms = parseDuration(value);
    if (ms === undefined) {
      throw new StackfleetError('E_USAGE', `${flag} expects a duration like 30s, 5m or 1h30m, got \`${value}\``, {
        hint: 'give the unit: h, m, s or ms (e.g. 90s)',
      });
    }
    return ms;
  };
}

/** `--format dot` -> 'dot'; anything outside `choices` is a usage error that quotes the value. */
export function parseChoiceFlag<T extends string>(flag: string, choices: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new StackfleetError('E_USAGE', `${flag} expects one of ${choices.join(', ')}, got \`${value}\``);
    }
    return value as T;
  };
}
