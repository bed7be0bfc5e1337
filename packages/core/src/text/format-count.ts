/**
 * `1 stack`, `2 stacks`, `0 stacks`: a count with its noun, for people. One
 * helper so no summary says "1 stacks"; `plural` for nouns that do not just take an `s`.
 */
export function formatCount(count: number, noun: string, plural = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : plural}`;
}
