import { describe, expect, it } from 'vitest';
import { findLineColumn, findLineStarts } from './find-line-column.js';

describe('findLineColumn', () => {
  it('counts characters, not UTF-16 units: an emoji is one column, like é and €', () => {
    const text = 'a: 1\nb: "😀é€😀" x\n';
    const starts = findLineStarts(text);
    expect(findLineColumn(text, starts, text.indexOf('x'))).toEqual({ line: 2, column: 11 });
    expect([...'b: "😀é€😀" '].length + 1).toBe(11);
    expect(findLineColumn(text, starts, 0)).toEqual({ line: 1, column: 1 });
    expect(findLineColumn(text, starts, text.indexOf('b'))).toEqual({ line: 2, column: 1 });
  });

  it('counts an emoji before the line against nothing, and a lone surrogate as a character', () => {
    const text = '😀😀\nxy\uDC00z';
    const starts = findLineStarts(text);
    expect(findLineColumn(text, starts, text.indexOf('z'))).toEqual({ line: 2, column: 4 });
  });

  it('takes the line starts of yaml (a LineCounter) too, also none at all', () => {
    expect(findLineColumn('ab', [], 1)).toEqual({ line: 1, column: 2 });
  });
});
