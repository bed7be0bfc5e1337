import { describe, expect, it } from 'vitest';
import { checkExpression } from './compile-expression.js';

describe('checkExpression', () => {
  it('names the unexpected word or character where cel-js names the last character of a word', () => {
    expect(checkExpression('hello world', 'string')).toEqual({ message: 'unexpected "world"', offset: 6 });
    expect(checkExpression('x == $', 'bool')).toEqual({ message: 'unexpected "$"', offset: 5 });
    expect(checkExpression('a ? b', 'any')).toEqual({ message: 'Expected COLON, got EOF', offset: 5 });
  });
});
