import type { Key } from 'ink';

/** The new first line of a scrollable view after a navigation key, or undefined when the key is not one. */
export function scrollByKey(input: string, key: Key, offset: number, height: number, total: number): number | undefined {
  const last = Math.max(0, total - height);
  let next: number;
  if (key.downArrow || input === 'j') next = offset + 1;
  else if (key.upArrow || input === 'k') next = offset - 1;
  else if (key.pageDown || input === ' ') next = offset + height;
  else if (key.pageUp) next = offset - height;
  else if (key.home || input === 'g') next = 0;
  else if (key.end || input === 'G') next = last;
  else return undefined;
  return Math.max(0, Math.min(last, next));
}
