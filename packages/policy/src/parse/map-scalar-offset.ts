import type { Scalar } from 'yaml';

/**
 * Maps an offset in a YAML scalar's parsed value to an offset in the file, so
 * a CEL error points at the character a person sees, also inside quoted
 * strings (escapes, `''`) and folded or literal block scalars (`>-`, `|`),
 * where line breaks and indentation of the source are not in the value.
 *
 * Walks value and source side by side: each value character is matched to
 * the next equal source character; what the value does not contain (block
 * headers, indentation, line breaks folded into spaces, escape backslashes)
 * is skipped. Good enough to land on the right character in expressions,
 * which rarely contain escapes.
 */
export function mapScalarOffset(text: string, node: Scalar, offset: number): number {
  const value = typeof node.value === 'string' ? node.value : String(node.value);
  const range = node.range ?? [0, text.length, text.length];
  const end = range[1];
  let position = findContentStart(text, node, range[0]);
  const isDoubleQuoted = node.type === 'QUOTE_DOUBLE';
  const isSingleQuoted = node.type === 'QUOTE_SINGLE';
  // An offset at the end (e.g. "unexpected end of expression") points just past the expression's last
  // character: the line break a `|` or `>` block scalar keeps (and trailing blanks) would put it on the next line.
  const contentLength = value.trimEnd().length;
  const walked = offset >= contentLength ? contentLength : value.length;
  for (let index = 0; index < walked && position < end; index += 1) {
    while (position < end) {
      // `''` is one `'` of the value: both source characters are used up, or the
      // second would be matched to the next value `'` (`''''` fell one behind).
      if (isSingleQuoted && value[index] === "'" && text[position] === "'" && text[position + 1] === "'") {
        if (index === offset) return position;
        position += 2;
        break;
      }
      if (isDoubleQuoted && text[position] === '\\') {
        const length = escapeLength(text, position);
        // An escaped line break produces nothing: skip it with the next line's indentation.
        if (length === 0) {
          position = skipLineBreak(text, position + 1);
          continue;
        }
        if (index === offset) return position;
        position += length;
        break;
      }
      if (text[position] === value[index]) {
        if (index === offset) return position;
        position += 1;
        break;
      }
      position += 1;
    }
  }
  return Math.min(position, end);
}

function findContentStart(text: string, node: Scalar, start: number): number {
  switch (node.type) {
    case 'BLOCK_FOLDED':
    case 'BLOCK_LITERAL': {
      // The header line (`>-`, `|2`, a comment) is not part of the value.
      const lineEnd = text.indexOf('\n', start);
      return lineEnd === -1 ? start : lineEnd + 1;
    }
    case 'QUOTE_DOUBLE':
    case 'QUOTE_SINGLE':
      return start + 1;
    default:
      return start;
  }
}

/** Source length of the escape at `position` (a backslash); 0 for an escaped line break. */
function escapeLength(text: string, position: number): number {
  const next = text[position + 1];
  if (next === '\n' || next === '\r') return 0;
  if (next === 'x') return 4;
  if (next === 'u') return 6;
  if (next === 'U') return 10;
  return 2;
}

function skipLineBreak(text: string, position: number): number {
  let cursor = position;
  if (text[cursor] === '\r') cursor += 1;
  if (text[cursor] === '\n') cursor += 1;
  while (text[cursor] === ' ' || text[cursor] === '\t') cursor += 1;
  return cursor;
}
