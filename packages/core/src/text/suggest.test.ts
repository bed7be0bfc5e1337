import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance, findClosestName } from './suggest.js';

describe('findClosestName', () => {
  it('suggests a close typo', () => {
    expect(didYouMean('netwrk', ['network', 'app', 'dns'])).toBe(' (did you mean "network"?)');
  });
  it('suggests nothing for unrelated names', () => {
    expect(findClosestName('zzzzzz', ['network', 'app'])).toBeUndefined();
  });
  it('breaks ties by name', () => {
    expect(findClosestName('ab', ['ac', 'aa'])).toBe('aa');
  });
  it('computes edit distance', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
  it('counts swapping two neighbours as one edit, the commonest typo', () => {
    expect(editDistance('fiel', 'file')).toBe(1);
    expect(editDistance('ab', 'ba')).toBe(1);
    expect(editDistance('abc', 'ca')).toBe(3);
    expect(didYouMean('fiel', ['file', 'labels', 'runners', 'stacks'])).toBe(' (did you mean "file"?)');
  });
});
