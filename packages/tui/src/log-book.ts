/**
 * Every (already masked) log line of a run, per stack, for the full-log pager.
 * Kept outside React state on purpose: appending must not copy anything.
 */
export class LogBook {
  private readonly lines = new Map<string, string[]>();

  /** @param maxLinesPerStack oldest lines are dropped past this. @default 20000 */
  constructor(private readonly maxLinesPerStack = 20_000) {}

  append(stack: string, line: string): void {
    let list = this.lines.get(stack);
    if (!list) {
      list = [];
      this.lines.set(stack, list);
    }
    list.push(line);
    // Drop in chunks so trimming stays amortised O(1) per line.
    if (list.length > this.maxLinesPerStack * 1.25) list.splice(0, list.length - this.maxLinesPerStack);
  }

  read(stack: string): readonly string[] {
    const list = this.lines.get(stack) ?? [];
    return list.length > this.maxLinesPerStack ? list.slice(list.length - this.maxLinesPerStack) : list;
  }
}
