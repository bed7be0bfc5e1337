import { isAlias, isCollection, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { SourceLocation } from '../errors.js';
import { parseKeyPath, type KeySegment } from './key-path.js';

/**
 * What to point at: the `value` (value problems: wrong type, unknown name),
 * the `key` (key problems: unknown or duplicate key), or `auto`: the value when
 * it sits on the key's line (scalars, flow collections), else the key.
 */
export type LocateTarget = 'auto' | 'key' | 'value';

/** The public `Locator` plus an optional target for the loader's own problems. */
export type ManifestLocator = (keyPath: string | readonly KeySegment[], target?: LocateTarget) => SourceLocation | undefined;

interface FoundNodes {
  key?: Node;
  value?: Node | null;
}

/**
 * Builds the locator of a parsed YAML document. A path that goes past what is in
 * the file (a default, or the `.stack` of a `dependsOn: [dns]` shorthand) points
 * at the deepest part that exists, so every problem gets a line.
 */
export function buildLocator(document: Document, lineCounter: LineCounter, file: string): ManifestLocator {
  const toLocation = (offset: number): SourceLocation => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  return (keyPath, target = 'auto') => {
    const segments = typeof keyPath === 'string' ? parseKeyPath(keyPath) : keyPath;
    if (segments === undefined) return undefined;
    const { key, value } = findNodes(document, segments);
    const keyOffset = key?.range?.[0];
    const valueOffset = value?.range?.[0];
    const preferKey = target === 'key' || (target === 'auto' && !isOnKeyLine(value));
    const offset = preferKey ? (keyOffset ?? valueOffset) : (valueOffset ?? keyOffset);
    return toLocation(offset ?? 0);
  };
}

function isOnKeyLine(node: Node | null | undefined): boolean {
  if (node === null || node === undefined) return false;
  if (isScalar(node)) return node.value !== null || node.source !== '';
  if (isCollection(node)) return node.flow === true;
  return true;
}

function findNodes(document: Document, segments: readonly KeySegment[]): FoundNodes {
  let found: FoundNodes = { value: document.contents as Node | null };
  for (const segment of segments) {
    let current = found.value;
    if (isAlias(current)) current = current.resolve(document) ?? null;
    if (isMap(current)) {
      // The last duplicate wins when YAML is turned into data, so point there too.
      const pair = current.items.findLast((item) => keyText(item.key) === String(segment));
      if (pair === undefined) return found;
      found = { key: pair.key as Node, value: pair.value as Node | null };
    } else if (isSeq(current) && typeof segment === 'number') {
      const item = current.items[segment];
      if (item === undefined) return found;
      found = { value: item as Node | null };
    } else {
      return found;
    }
  }
  return found;
}

/** The text of a map key as it appears in the data, or undefined for complex keys. */
export function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}
