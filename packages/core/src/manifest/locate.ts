import {
  isAlias,
  isCollection,
  isMap,
  isScalar,
  isSeq,
  type Document,
  type LineCounter,
  type Node,
  type Pair,
  type YAMLMap,
} from 'yaml';
import type { SourceLocation } from '../errors.js';
import { findLineColumn } from '../text/find-line-column.js';
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
  /** Every segment was found. */
  complete?: boolean;
}

/**
 * Builds the locator of a parsed YAML document. A path that goes past what is in
 * the file (a default, or the `.stack` of a `dependsOn: [dns]` shorthand) points
 * at the deepest part that exists, so every problem gets a line.
 */
export function buildLocator(document: Document, text: string, lineCounter: LineCounter, file: string): ManifestLocator {
  const toLocation = (offset: number): SourceLocation => ({ file, ...findLineColumn(text, lineCounter.lineStarts, offset) });
  return (keyPath, target = 'auto') => {
    const segments = typeof keyPath === 'string' ? parseKeyPath(keyPath) : keyPath;
    if (segments === undefined) return undefined;
    return toLocation(locateOffset(document, segments, target).offset ?? 0);
  };
}

/**
 * The offset `buildLocator` points at for `segments` in `document`, and
 * whether every segment was found (else it is the deepest part that exists).
 */
export function locateOffset(document: Document, segments: readonly KeySegment[], target: LocateTarget): { offset: number | undefined; complete: boolean } {
  const { key, value, complete } = findNodes(document, segments);
  const keyOffset = key?.range?.[0];
  const valueOffset = value?.range?.[0];
  const preferKey = target === 'key' || (target === 'auto' && !isOnKeyLine(value));
  return { offset: preferKey ? (keyOffset ?? valueOffset) : (valueOffset ?? keyOffset), complete: complete === true };
}

function isOnKeyLine(node: Node | null | undefined): boolean {
  if (node === null || node === undefined) return false;
  if (isScalar(node)) return node.value !== null || node.source !== '';
  if (isCollection(node)) return node.flow === true;
  return true;
}

// Key -> pair per map, built on first use: a fleet of 10,000 stacks must not
// make every lookup a scan. The last duplicate wins, as when YAML becomes data.
const pairIndexes = new WeakMap<YAMLMap, Map<string, Pair>>();

function findPair(map: YAMLMap, key: string): Pair | undefined {
  let index = pairIndexes.get(map);
  if (index === undefined) {
    index = new Map();
    for (const pair of map.items) {
      const text = keyText(pair.key);
      if (text !== undefined) index.set(text, pair);
    }
    pairIndexes.set(map, index);
  }
  return index.get(key);
}

function findNodes(document: Document, segments: readonly KeySegment[]): FoundNodes {
  let found: FoundNodes = { value: document.contents };
  for (const segment of segments) {
    let current = found.value;
    if (isAlias(current)) current = current.resolve(document) ?? null;
    if (isMap(current)) {
      const pair = findPair(current, String(segment));
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
  return { ...found, complete: true };
}

/** The text of a map key as it appears in the data, or undefined for complex keys. */
export function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}
