import { describe, expect, it } from 'vitest';
import { compileRetryPattern, findRetryPatternError } from './retry-pattern.js';

describe('compileRetryPattern', () => {
  it('matches substrings, and /regex/ with the i, s and m flags', () => {
    expect(compileRetryPattern('429')('HTTP 429 Too Many')).toBe(true);
    expect(compileRetryPattern('/http 4\\d\\d/i')('HTTP 429')).toBe(true);
    expect(compileRetryPattern('/^lock$/m')('a\nlock\nb')).toBe(true);
    expect(compileRetryPattern('/a.b/s')('a\nb')).toBe(true);
    expect(compileRetryPattern('/a.b/')('a\nb')).toBe(false);
    expect(compileRetryPattern('/state lock/g')('Error acquiring the state lock')).toBe(true);
  });

  it('cannot backtrack exponentially: a nested quantifier on a long line of output returns', () => {
    // A backtracking engine takes 2^n steps here (n = 100,000): it never returns.
    const line = `${'a'.repeat(100_000)}!`;
    expect(compileRetryPattern('/(a+)+$/')(line)).toBe(false);
    expect(compileRetryPattern('/(a|aa)*b/')(line)).toBe(false);
    expect(compileRetryPattern('/(a+)+!$/')(line)).toBe(true);
  });

  it('explains what does not compile', () => {
    expect(findRetryPatternError('/(a/')).toBe('missing closing ): `(a`');
    expect(findRetryPatternError('/a/x')).toBe('unsupported flag "x" (use i, s or m)');
    expect(findRetryPatternError('plain (text')).toBeUndefined();
  });
});
