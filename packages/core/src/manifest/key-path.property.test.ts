import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatKeyPath, parseKeyPath } from './key-path.js';
import { parseDuration } from './duration.js';

describe('key path properties', () => {
  it('parseKeyPath inverts formatKeyPath for any keys', () => {
    const segment = fc.oneof(fc.string({ minLength: 1 }), fc.nat({ max: 1000 }));
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.array(segment), (first, rest) => {
        const segments = [first, ...rest];
        expect(parseKeyPath(formatKeyPath(segments))).toEqual(segments);
      }),
    );
  });
});

describe('duration properties', () => {
  it('reads back any h/m/s/ms combination', () => {
    const part = fc.option(fc.nat({ max: 10_000 }), { nil: undefined });
    fc.assert(
      fc.property(part, part, part, part, (h, m, s, ms) => {
        const text = [h === undefined ? '' : `${h}h`, m === undefined ? '' : `${m}m`, s === undefined ? '' : `${s}s`, ms === undefined ? '' : `${ms}ms`].join('');
        fc.pre(text !== '');
        expect(parseDuration(text)).toBe((h ?? 0) * 3_600_000 + (m ?? 0) * 60_000 + (s ?? 0) * 1000 + (ms ?? 0));
      }),
    );
  });
});
