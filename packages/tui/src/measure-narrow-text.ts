/**
 * The width of `text` in terminal columns when every character in it is one
 * column wide by any measure: printable ASCII and the few other characters the
 * views draw with (middle dot, ellipsis, box drawing, block elements, braille
 * spinner), with SGR colour codes (`ESC [ … m`) taking no room. Undefined for
 * anything else (wide, combining, emoji, control characters, other escapes):
 * the caller measures that the full way.
 *
 * Why (issue #17): ink measures every frame's text with `string-width` twice
 * (layout, then output) and once more per character; any line that is not
 * pure ASCII goes through `Intl.Segmenter` and Unicode property regexes, and
 * the live area's lines never are (spinner, `·`, the progress bar): about a
 * third of a live-view frame. The UI bundle (packages/cli/scripts/
 * bundle-cli.mjs) answers ink's width questions from here first; the widths
 * are the same, as measure-narrow-text.test.ts checks against each
 * `string-width` ink uses.
 */
export function measureNarrowText(text: string): number | undefined {
  let width = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === ESC) {
      const end = findSgrEnd(text, index);
      if (end === undefined) return undefined;
      index = end;
    } else if (isNarrowCharCode(code)) width += 1;
    else return undefined;
  }
  return width;
}

export const ESC = 0x1b;

/** Whether the UTF-16 code unit is one of the characters counted as one column here (never part of a surrogate pair). */
export function isNarrowCharCode(code: number): boolean {
  return (
    (code >= 0x20 && code <= 0x7e) ||
    code === 0xb7 || // · middle dot
    code === 0x2026 || // … ellipsis
    (code >= 0x2500 && code <= 0x259f) || // box drawing ─ │ and block elements █ ░
    (code >= 0x2800 && code <= 0x28ff) // braille: the spinner ⠋ ⠙ …
  );
}

/** Index of the `m` ending the SGR sequence that starts at `start` (`ESC [ digits ; … m`), else undefined. */
export function findSgrEnd(text: string, start: number): number | undefined {
  if (text.charCodeAt(start + 1) !== 0x5b) return undefined;
  for (let index = start + 2; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === 0x6d) return index;
    if (!((code >= 0x30 && code <= 0x39) || code === 0x3b)) return undefined;
  }
  return undefined;
}
