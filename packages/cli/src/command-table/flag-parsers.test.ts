import { parseDuration } from '@stackfleet/core';
import { describe, expect, it } from 'vitest';
import { collect, parseChoiceFlag, parseDurationFlag, parseWholeNumberFlag } from './flag-parsers.js';

const messageOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return `${(error as { code: string }).code}: ${(error as Error).message}`;
  }
  return 'no error';
};

describe('flag parsers', () => {
  it('turns whole numbers into numbers and quotes anything else', () => {
    const parse = parseWholeNumberFlag('--concurrency');
    expect(parse('8')).toBe(8);
    expect(messageOf(() => parse('0'))).toBe('E_USAGE: --concurrency expects a whole number from 1 and up, got `0`');
    for (const bad of ['1.5', 'four', '', '-2', '1e1', ' 4']) expect(messageOf(() => parse(bad))).toContain(`got \`${bad}\``);
  });

  it('reads durations exactly as the manifest does: one parser, a bare number has no unit', () => {
    const parse = parseDurationFlag('--lock-timeout');
    const samples = ['90', '30s', '5m', '1h30m', '500ms', '1h', '2m30s', '1m1h', '5 m', '', '0s', 'ms', '10d'];
    for (const sample of samples) {
      const manifest = parseDuration(sample);
      if (manifest === undefined) expect(messageOf(() => parse(sample))).toContain(`got \`${sample}\``);
      else expect(parse(sample)).toBe(manifest);
    }
    expect(messageOf(() => parse('90'))).toBe('E_USAGE: --lock-timeout expects a duration like 30s, 5m or 1h30m, got `90`');
    expect(parse('1h30m')).toBe(5_400_000);
  });

  it('accepts only the listed choices', () => {
    const parse = parseChoiceFlag('--format', ['ascii', 'dot'] as const);
    expect(parse('dot')).toBe('dot');
    expect(messageOf(() => parse('png'))).toBe('E_USAGE: --format expects one of ascii, dot, got `png`');
  });

  it('collects repeatable flags', () => {
    expect(collect('b', collect('a', undefined))).toEqual(['a', 'b']);
  });
});
