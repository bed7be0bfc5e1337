/**
 * Fronts for the `@alcalzone/ansi-tokenize` functions ink's output grid
 * calls for every frame: the same results, without their per-character cost
 * on the lines the live view draws.
 *
 * Why (issue #17): ink turns every line of a frame into one cell object per
 * character (`tokenize`, which walks the line with `Intl.Segmenter`), pads
 * each row to the terminal's width and joins the cells back into a string
 * (`styledCharsToString`, which builds three `Set`s and two arrays per cell to
 * diff the styles of neighbours). For a 12-line live area at 120 columns that
 * was about half of ink's part of a frame. The UI bundle (packages/cli/
 * scripts/bundle-cli.mjs) routes ink's output.js through these;
 * ink-output-fronts.test.ts compares them with the real ones.
 */
import { ESC, findSgrEnd, isNarrowCharCode } from './measure-narrow-text.js';

export interface AnsiCode {
  code: string;
  endCode: string;
}

export interface StyledChar {
  value: string;
  styles: readonly AnsiCode[];
}

export type AnsiToken = { type: 'ansi'; code: string; endCode: string } | { type: 'char'; value: string; fullWidth: boolean };

/** What the fronts need of the real module. */
export interface AnsiTokenize {
  tokenize(text: string): AnsiToken[];
  reduceAnsiCodesIncremental(codes: readonly AnsiCode[], newCodes: readonly AnsiCode[]): AnsiCode[];
  ansiCodesToString(codes: readonly AnsiCode[]): string;
  diffAnsiCodes(from: readonly AnsiCode[], to: readonly AnsiCode[]): AnsiCode[];
}

/**
 * `tokenize(text)`: one-column characters (measure-narrow-text.ts) become
 * their char tokens directly, each SGR sequence is tokenized by the real
 * function on its own; any other text goes to the real function whole.
 */
export function tokenizeNarrowText(text: string, real: AnsiTokenize): AnsiToken[] {
  const tokens: AnsiToken[] = [];
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === ESC) {
      const end = findSgrEnd(text, index);
      if (end === undefined) return real.tokenize(text);
      for (const token of real.tokenize(text.slice(index, end + 1))) tokens.push(token);
      index = end;
    } else if (isNarrowCharCode(code)) tokens.push({ type: 'char', value: text[index]!, fullWidth: false });
    else return real.tokenize(text);
  }
  return tokens;
}

/**
 * `styledCharsFromTokens(tokens)`: the cells of a run of characters with the
 * same style share one array of codes instead of a copy each (nothing in ink
 * changes a cell's styles, and each reduction returns a new array).
 */
export function buildStyledChars(tokens: readonly AnsiToken[], real: AnsiTokenize): (StyledChar & { type: 'char'; fullWidth: boolean })[] {
  let codes: AnsiCode[] = [];
  const chars: (StyledChar & { type: 'char'; fullWidth: boolean })[] = [];
  for (const token of tokens) {
    if (token.type === 'ansi') codes = real.reduceAnsiCodesIncremental(codes, [token]);
    else chars.push({ type: 'char', value: token.value, fullWidth: token.fullWidth, styles: codes });
  }
  return chars;
}

/**
 * `styledCharsToString(chars)`: the styles' difference is computed only
 * where they change (a run of cells with the same codes needs none), and no
 * closing codes follow a line that ends unstyled: the same string.
 */
export function joinStyledChars(chars: readonly StyledChar[], real: AnsiTokenize): string {
  let text = '';
  let previous: readonly AnsiCode[] | undefined;
  for (const char of chars) {
    const { styles } = char;
    if (previous === undefined) {
      if (styles.length > 0) text += real.ansiCodesToString(styles);
    } else if (!hasSameCodes(previous, styles)) text += real.ansiCodesToString(real.diffAnsiCodes(previous, styles));
    text += char.value;
    previous = styles;
  }
  if (previous !== undefined && previous.length > 0) text += real.ansiCodesToString(real.diffAnsiCodes(previous, []));
  return text;
}

function hasSameCodes(a: readonly AnsiCode[], b: readonly AnsiCode[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index += 1) {
    if (a[index]!.code !== b[index]!.code || a[index]!.endCode !== b[index]!.endCode) return false;
  }
  return true;
}
