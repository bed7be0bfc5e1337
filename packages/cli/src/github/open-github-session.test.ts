import { describe, expect, it } from 'vitest';
import { readMinWriteInterval } from './open-github-session.js';

describe('readMinWriteInterval (STACKFLEET_GITHUB_MIN_WRITE_INTERVAL_MS)', () => {
  it("is unset by default (GitHub's own spacing), a whole number of milliseconds from 0 when set", () => {
    expect(readMinWriteInterval({})).toBeUndefined();
    expect(readMinWriteInterval({ STACKFLEET_GITHUB_MIN_WRITE_INTERVAL_MS: '' })).toBeUndefined();
    expect(readMinWriteInterval({ STACKFLEET_GITHUB_MIN_WRITE_INTERVAL_MS: '0' })).toBe(0);
    expect(readMinWriteInterval({ STACKFLEET_GITHUB_MIN_WRITE_INTERVAL_MS: '250' })).toBe(250);
  });

  it('refuses anything else, naming the variable', () => {
    for (const text of ['-1', '1.5', 'fast']) {
      expect(() => readMinWriteInterval({ STACKFLEET_GITHUB_MIN_WRITE_INTERVAL_MS: text })).toThrow(
        `Expected \`STACKFLEET_GITHUB_MIN_WRITE_INTERVAL_MS\` to be a whole number of milliseconds from 0 and up, got \`${text}\``,
      );
    }
  });
});
