const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 } as const;

/**
 * Durations as users write them: one or more `<integer><unit>` pairs with units
 * d, h, m, s, ms, largest first, e.g. `30m`, `90s`, `1h30m`, `500ms`, `7d`.
 */
export const DURATION_PATTERN = /^(?:\d+d)?(?:\d+h)?(?:\d+m(?!s))?(?:\d+s)?(?:\d+ms)?$/;

/** `"1h30m"` -> 5400000; undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  if (text === '' || !DURATION_PATTERN.test(text)) return undefined;
  let total = 0;
  for (const match of text.matchAll(/(\d+)(ms|d|h|m|s)/g)) {
    total += Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  }
  return total;
}
