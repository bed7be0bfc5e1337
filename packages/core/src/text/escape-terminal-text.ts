// C0 controls (newline, ESC, BEL, backspace, carriage return, …), DEL, C1
// controls (U+0080–U+009F: CSI and OSC in one character), the Unicode line
// and paragraph separators, and the bidirectional overrides and isolates
// that reorder what a terminal shows ("Trojan Source").
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text that came from outside stackfleet (a policy's message, a stack's
 * failure reason, an approval's comment, an actor's login) as one terminal
 * line: a newline shows as `⏎`, a tab as a space, and every other control
 * character as its `\uXXXX` escape, so such text can neither break the
 * `stack |` prefix, forge a line of its own, split a table row, nor send
 * escape sequences (colours, cursor moves, titles) to the terminal.
 * Machine output (NDJSON, the store) keeps the exact text.
 */
export function escapeTerminalText(text: string): string {
  return text.replace(CONTROL_CHARACTERS, (character) => {
    if (character === '\n') return '⏎';
    if (character === '\t') return ' ';
    return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}
