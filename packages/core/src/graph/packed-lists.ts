/**
 * A list of indexes per stack, packed in two typed arrays: list `i` is
 * `items[starts[i]]` up to (not including) `items[starts[i + 1]]`, sorted and
 * without repeats. Why not `number[][]`: 10,000 stacks were 20,000 small
 * arrays (upstream and downstream), each allocated by a call the interpreter
 * makes slowly, then copied by every young-generation collection while the
 * graph lived; two typed arrays per direction are four allocations.
 */
export interface PackedLists {
  readonly starts: Int32Array;
  readonly items: Int32Array;
}

/** Packs lists that are already sorted and without repeats. */
export function packLists(lists: readonly (readonly number[])[]): PackedLists {
  const starts = new Int32Array(lists.length + 1);
  for (let index = 0; index < lists.length; index += 1) starts[index + 1] = starts[index]! + lists[index]!.length;
  const items = new Int32Array(starts[lists.length]!);
  for (let index = 0; index < lists.length; index += 1) items.set(lists[index]!, starts[index]);
  return { starts, items };
}

/** The lists as arrays again (the cycle search, which runs only when there is a cycle to report). */
export function unpackLists({ starts, items }: PackedLists): number[][] {
  const lists: number[][] = [];
  for (let index = 0; index + 1 < starts.length; index += 1) lists.push(Array.from(items.subarray(starts[index], starts[index + 1])));
  return lists;
}

/** List `index` as an array (for callers that want one, e.g. `dependenciesOf`). */
export function listAt({ starts, items }: PackedLists, index: number): number[] {
  return Array.from(items.subarray(starts[index], starts[index + 1]));
}

/**
 * The reverse lists: list `j` holds every `i` whose list holds `j`. Filled in
 * increasing `i`, so each comes out sorted and, the input lists being
 * without repeats, without repeats.
 */
export function reverseLists({ starts, items }: PackedLists): PackedLists {
  const count = starts.length - 1;
  const reversedStarts = new Int32Array(count + 1);
  for (let at = 0; at < items.length; at += 1) reversedStarts[items[at]! + 1] = reversedStarts[items[at]! + 1]! + 1;
  for (let index = 0; index < count; index += 1) reversedStarts[index + 1] = reversedStarts[index + 1]! + reversedStarts[index]!;
  const reversed = new Int32Array(items.length);
  const next = reversedStarts.slice(0, count);
  for (let index = 0; index < count; index += 1) {
    for (let at = starts[index]!; at < starts[index + 1]!; at += 1) reversed[next[items[at]!]!++] = index;
  }
  return { starts: reversedStarts, items: reversed };
}

/**
 * Sorts `items[from]` up to `items[to]` in place and moves the distinct
 * values to its front; returns how many there are. An insertion sort: a
 * stack has a handful of upstreams.
 */
export function sortUniqueRange(items: Int32Array | number[], from: number, to: number): number {
  for (let index = from + 1; index < to; index += 1) {
    const item = items[index]!;
    let at = index - 1;
    while (at >= from && items[at]! > item) {
      items[at + 1] = items[at]!;
      at -= 1;
    }
    items[at + 1] = item;
  }
  if (to === from) return 0;
  let kept = from + 1;
  for (let index = from + 1; index < to; index += 1) if (items[index] !== items[kept - 1]) items[kept++] = items[index]!;
  return kept - from;
}

/**
 * Closes up lists that `sortUniqueRange` shortened in place: list `i` holds
 * `lengths[i]` items from `starts[i]`. Moves items only towards the front,
 * in place.
 */
export function closeUpLists(starts: Int32Array, items: Int32Array, lengths: Int32Array): PackedLists {
  const count = lengths.length;
  const closed = new Int32Array(count + 1);
  let write = 0;
  for (let index = 0; index < count; index += 1) {
    const from = starts[index]!;
    closed[index] = write;
    for (let at = 0; at < lengths[index]!; at += 1) items[write++] = items[from + at]!;
  }
  closed[count] = write;
  return { starts: closed, items: items.subarray(0, write) };
}
