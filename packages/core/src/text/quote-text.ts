// Long enough to recognise a value, short enough to keep one problem on one line.
const QUOTED_LENGTH = 80;

/**
 * A value as messages quote it: JSON-escaped (no raw newline or control
 * character can break a line or forge another problem) and cut to `max`
 * characters, saying how long it was: `"aaaa…" (1048576 characters)`.
 */
export function quoteText(text: string, max = QUOTED_LENGTH): string {
  if (text.length <= max) return JSON.stringify(text);
  return `${JSON.stringify(`${text.slice(0, max)}…`)} (${text.length} characters)`;
}
