/**
 * Edit distance with adjacent transpositions (optimal string alignment):
 * `fiel` is one edit from `file`, as a typist sees it, not two. Iterative,
 * three rows.
 */
export function editDistance(a: string, b: string): number {
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let distance = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) distance = Math.min(distance, beforePrevious[j - 2]! + 1);
      current[j] = distance;
    }
    beforePrevious = previous;
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The closest candidate to a mistyped name, if any is close enough to be a
 * plausible typo (distance at most a third of the longer name, minimum 1).
 * Ties break by name so messages are deterministic.
 */
export function findClosestName(input: string, candidates: Iterable<string>): string | undefined {
  let best: { name: string; distance: number } | undefined;
  const lowered = input.toLowerCase();
  for (const name of candidates) {
    const limit = Math.max(1, Math.floor(Math.max(input.length, name.length) / 3));
    // The distance is at least the length difference: skip the O(n·m) work when it cannot be close.
    if (Math.abs(input.length - name.length) > limit) continue;
    const distance = editDistance(lowered, name.toLowerCase());
    if (distance > limit) continue;
    if (!best || distance < best.distance || (distance === best.distance && name < best.name)) {
      best = { name, distance };
    }
  }
  return best?.name;
}

/** ` (did you mean "network"?)` or the empty string. */
export function didYouMean(input: string, candidates: Iterable<string>): string {
  const closest = findClosestName(input, candidates);
  return closest === undefined ? '' : ` (did you mean "${closest}"?)`;
}
