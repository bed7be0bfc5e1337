/** Where a JSON text stops being JSON, and what was expected there. */
export interface JsonSyntaxError {
  /** String index of the offending character (just past the last non-blank one at an unexpected end). */
  offset: number;
  message: string;
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);

/**
 * The first syntax error of a JSON text, or undefined when it is valid JSON.
 * `JSON.parse` says what is wrong but, for most mistakes, not where (`Unexpected
 * token '}', "…" is not valid JSON`, the text itself quoted across lines); this
 * finds the place, for a `file:line:col`. Iterative: a deep nesting is no
 * stack overflow. Meant for after `JSON.parse` failed: it builds no value.
 * Written here because the kept parser that reports offsets, jsonc-parser,
 * recurses (200,000 nested `[` overflow its stack: an input file is
 * untrusted) and names errors by code (`CommaExpected`) where this says what
 * it found.
 */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  let position = 0;
  /** The closing bracket each open container waits for. */
  const open: ('}' | ']')[] = [];
  const skipWhitespace = () => {
    while (WHITESPACE.has(text[position] ?? '')) position += 1;
  };
  const found = (): string => {
    if (position >= text.length) return 'the end of the file';
    const char = String.fromCodePoint(text.codePointAt(position)!);
    return /[\p{L}\p{N}\p{P}\p{S}]/u.test(char) ? `"${char}"` : `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  };
  // At an unexpected end, just past the last character written, not on a line after it.
  const error = (message: string): JsonSyntaxError => ({ offset: position < text.length ? position : text.replace(/[ \t\n\r]+$/, '').length, message });

  const readString = (what: string): JsonSyntaxError | undefined => {
    if (text[position] !== '"') return error(`expected ${what}, found ${found()}`);
    position += 1;
    for (;;) {
      const char = text[position];
      if (char === undefined) return error('unterminated string: expected a closing "');
      if (char === '"') break;
      if (char.charCodeAt(0) < 0x20) return error(`a line break or control character inside a string (write it as an escape such as \\n)`);
      if (char === '\\') {
        const escaped = text[position + 1] ?? '';
        if (escaped === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(position + 2, position + 6))) position += 6;
        else if (ESCAPES.has(escaped)) position += 2;
        else return error(`invalid escape \\${escaped} (use \\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX)`);
        continue;
      }
      position += 1;
    }
    position += 1;
    return undefined;
  };

  /** A string, number, true, false or null. */
  const readScalar = (): JsonSyntaxError | undefined => {
    const char = text[position];
    if (char === '"') return readString('a value');
    if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) {
      NUMBER.lastIndex = position;
      if (!NUMBER.test(text)) return error(`invalid number, found ${found()}`);
      position = NUMBER.lastIndex;
      return undefined;
    }
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, position)) {
        position += literal.length;
        return undefined;
      }
    }
    return error(`expected a value, found ${found()}`);
  };

  /** `"name":` of an object's next member; its value follows. */
  const readKey = (): JsonSyntaxError | undefined => {
    skipWhitespace();
    const failed = readString('a property name in double quotes');
    if (failed) return failed;
    skipWhitespace();
    if (text[position] !== ':') return error(`expected ":" after the property name, found ${found()}`);
    position += 1;
    return undefined;
  };

  // Two states: a value is expected, or one just ended (close containers, step over commas).
  let expectingValue = true;
  for (;;) {
    skipWhitespace();
    if (expectingValue) {
      const char = text[position];
      if (char === '{' || char === '[') {
        const close = char === '{' ? '}' : ']';
        position += 1;
        skipWhitespace();
        if (text[position] === close) {
          position += 1;
          expectingValue = false;
          continue;
        }
        open.push(close);
        const failed = close === '}' ? readKey() : undefined;
        if (failed) return failed;
        continue;
      }
      const failed = readScalar();
      if (failed) return failed;
      expectingValue = false;
      continue;
    }
    const close = open.at(-1);
    if (close === undefined) return position < text.length ? error(`unexpected ${found()} after the end of the JSON value`) : undefined;
    if (text[position] === ',') {
      position += 1;
      const failed = close === '}' ? readKey() : undefined;
      if (failed) return failed;
      expectingValue = true;
      continue;
    }
    if (text[position] !== close) return error(`expected "," or "${close}", found ${found()}`);
    position += 1;
    open.pop();
  }
}
