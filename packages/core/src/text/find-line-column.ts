/** A 1-based position in a text file, as stackfleet prints it (`file:line:col`). */
export interface LineColumn {
  line: number;
  column: number;
}

/**
 * The line and column of `offset` (a string index, in UTF-16 units) in
 * `text`, given where its lines start (yaml's `LineCounter#lineStarts`, or
 * `findLineStarts`). The column counts characters (code points), as an
 * editor's cursor steps through them: an emoji is one column, like é or €,
 * although a JavaScript string holds it as two units. Every file:line:col of
 * the manifest's and the policy files' problems is counted here.
 */
export function findLineColumn(text: string, lineStarts: readonly number[], offset: number): LineColumn {
  const line = findLine(lineStarts, offset);
  const lineStart = lineStarts[line] ?? 0;
  let column = offset - lineStart + 1;
  // The second half of a surrogate pair is no column of its own.
  for (let index = lineStart + 1; index < offset; index += 1) if (isLowSurrogate(text.charCodeAt(index)) && isHighSurrogate(text.charCodeAt(index - 1))) column -= 1;
  return { line: line + 1, column };
}

/** Offsets of the first character of each line (`\n` ends a line; a `\r` before it belongs to the line). */
export function findLineStarts(text: string): number[] {
  const starts = [0];
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) starts.push(index + 1);
  return starts;
}

/** Index of the last line start at or before `offset`. */
function findLine(starts: readonly number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((starts[middle] as number) <= offset) low = middle;
    else high = middle - 1;
  }
  return low;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
