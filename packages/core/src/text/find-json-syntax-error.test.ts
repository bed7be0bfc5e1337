import { describe, expect, it } from 'vitest';
import { findJsonSyntaxError } from './find-json-syntax-error.js';

/** `line:col message` of the first error, or "valid". */
function describeError(text: string): string {
  const error = findJsonSyntaxError(text);
  if (error === undefined) return 'valid';
  const before = text.slice(0, error.offset).split('\n');
  return `${before.length}:${before.at(-1)!.length + 1} ${error.message}`;
}

describe('findJsonSyntaxError', () => {
  it('agrees with JSON.parse on valid documents', () => {
    for (const text of ['{}', '[]', ' {"a": [1, -2.5e3, true, false, null, "x\\n\\u00e9"], "b": {"c": {}}}\n', '"s"', '0', '[[[[]]]]']) {
      expect(() => JSON.parse(text) as unknown).not.toThrow();
      expect(describeError(text)).toBe('valid');
    }
  });

  it('points at the mistake JSON.parse gives no position for', () => {
    expect(describeError('{\n  "labels": [}\n')).toBe('2:14 expected a value, found "}"');
    expect(describeError('[1,]')).toBe('1:4 expected a value, found "]"');
    expect(describeError('{"a": 1,}')).toBe('1:9 expected a property name in double quotes, found "}"');
    expect(describeError("{'a': 1}")).toBe('1:2 expected a property name in double quotes, found "\'"');
    expect(describeError('{"a" 1}')).toBe('1:6 expected ":" after the property name, found "1"');
    expect(describeError('{"a": 1 "b": 2}')).toBe('1:9 expected "," or "}", found """');
    expect(describeError('[1 2]')).toBe('1:4 expected "," or "]", found "2"');
    expect(describeError('{"a": tru}')).toBe('1:7 expected a value, found "t"');
    expect(describeError('{"a": 01}')).toBe('1:8 expected "," or "}", found "1"');
    expect(describeError('{"a": -}')).toBe('1:7 invalid number, found "-"');
    expect(describeError('{} x')).toBe('1:4 unexpected "x" after the end of the JSON value');
    expect(describeError('"a\\qb"')).toBe('1:3 invalid escape \\q (use \\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX)');
    expect(describeError('"a\nb"')).toBe('1:3 a line break or control character inside a string (write it as an escape such as \\n)');
  });

  it('points past the text when it ends too early, also deep inside', () => {
    expect(describeError('{"a": [1, {"b": 2')).toBe('1:18 expected "," or "}", found the end of the file');
    expect(describeError('')).toBe('1:1 expected a value, found the end of the file');
    expect(describeError('{"a": "x')).toBe('1:9 unterminated string: expected a closing "');
    expect(describeError('{"resource_changes": [\n\n')).toBe('1:23 expected a value, found the end of the file');
    expect(describeError('\uFEFF{}')).toBe('1:1 expected a value, found U+FEFF');
  });

  it('walks a deep nesting without recursion', () => {
    expect(describeError(`${'['.repeat(200_000)}${']'.repeat(199_999)}`)).toBe('1:400000 expected "," or "]", found the end of the file');
  });
});
