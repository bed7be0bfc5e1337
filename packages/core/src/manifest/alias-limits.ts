/**
 * How far YAML aliases (`*name`, `<<: *name`) may blow a manifest up. An
 * alias costs nothing to parse but everything after parsing walks its
 * expansion: nine aliases of nine aliases, eight levels deep (a 602-byte
 * file), are 387 million values, which took 34 s and 4.5 GB before aborting.
 * Sharing settings between stacks (`<<: *defaults` in every one of 10,000
 * stacks) stays far below these.
 */
export const ALIAS_LIMITS = {
  /** Alias nodes in one manifest. */
  aliases: 100_000,
  /** Values (maps, lists, scalars) that aliases add to the manifest once expanded. */
  expandedValues: 1_000_000,
  /** Characters of text that aliases add once expanded. */
  expandedCharacters: 16 * 1024 * 1024,
} as const;

// Where a YAML alias can start: at a line start or after whitespace, `[`, `{`, `,` or `:` (`{"a":*x}`).
const ALIAS_START = /(?:^|[\s[{,:])\*/;

/**
 * Whether the text may hold a YAML alias at all. False only when no `*`
 * stands where an alias could start, so the walk below is skipped for the
 * common manifest (it visits every value: ~10 % of parsing 10,000 stacks).
 * A `*` elsewhere (`"modules/**"`, `labels: ["*"]`) or in a comment only
 * costs the walk.
 */
export function mayHoldAliases(text: string): boolean {
  // includes() first: the pattern's leading alternation makes V8 try it at
  // every offset (~20 ms on 1 MB), while a search for one character is a memchr.
  return text.includes('*') && ALIAS_START.test(text);
}

interface Size {
  values: number;
  characters: number;
}

/**
 * Whether plain data (from the fast YAML parser, where an alias is a shared
 * reference) stays within `ALIAS_LIMITS`: each shared object is walked once
 * and its size added again at every further reference. False also for data
 * that contains itself. Iterative: deep nesting cannot overflow the stack.
 */
export function isWithinAliasLimits(data: unknown): boolean {
  const sizes = new Map<object, Size>();
  const counted = new Set<object>();
  const added: Size = { values: 0, characters: 0 };
  let references = 0;
  // Post-order walk: an object is opened (children pushed), then closed (size summed).
  const pending: { value: object; open: boolean }[] = [];
  const push = (value: unknown): void => {
    if (value !== null && typeof value === 'object' && !sizes.has(value)) pending.push({ value, open: false });
  };
  push(data);
  while (pending.length > 0) {
    const top = pending[pending.length - 1]!;
    const children = Array.isArray(top.value) ? (top.value as unknown[]) : Object.values(top.value as Record<string, unknown>);
    if (!top.open) {
      if (sizes.has(top.value)) {
        pending.pop(); // pushed twice before it was walked
        continue;
      }
      top.open = true;
      sizes.set(top.value, { values: -1, characters: 0 });
      for (let index = children.length - 1; index >= 0; index -= 1) push(children[index]);
      continue;
    }
    pending.pop();
    const size: Size = { values: 1, characters: 0 };
    for (const child of children) {
      if (child === null || typeof child !== 'object') {
        size.values += 1;
        size.characters += typeof child === 'string' ? child.length : 0;
        continue;
      }
      const childSize = sizes.get(child)!;
      if (childSize.values < 0) return false; // still open: the value contains itself
      size.values += childSize.values;
      size.characters += childSize.characters;
      if (!counted.has(child)) {
        counted.add(child);
        continue;
      }
      references += 1;
      added.values += childSize.values;
      added.characters += childSize.characters;
      if (
        references > ALIAS_LIMITS.aliases ||
        added.values > ALIAS_LIMITS.expandedValues ||
        added.characters > ALIAS_LIMITS.expandedCharacters
      ) {
        return false;
      }
    }
    sizes.set(top.value, size);
  }
  return true;
}
