import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['30m', 1_800_000],
    ['90s', 90_000],
    ['1h30m', 5_400_000],
    ['500ms', 500],
    ['2h', 7_200_000],
    ['1m30s250ms', 90_250],
    ['0s', 0],
  ])('%s = %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '30', 'm', '30x', '1.5h', '30m1h', ' 30m', '-5s', '1msec'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});
