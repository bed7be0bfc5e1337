import type { Document } from 'yaml';
import type { SourceLocation } from '../errors.js';
import { findLineColumn, findLineStarts } from '../text/find-line-column.js';
import type { FastYaml } from './fast-yaml.js';
import { parseKeyPath, type KeySegment } from './key-path.js';
import { locateOffset, type ManifestLocator } from './locate.js';
import { parseYamlPositions } from './yaml-positions.js';

interface Fragment {
  document: Document;
  /** Offset in the file of the fragment's first character. */
  base: number;
}

/**
 * Locates problems of a manifest the fast parser read, without a positional
 * parse of the whole file: it follows the key path through the data to the
 * innermost map or list written in the file itself, and parses only that
 * node's text with positions (the same parser, on the same characters at the
 * same columns, so the same line:col as a full parse). In a 3,000-stack fleet
 * that is one stack's few lines instead of 400 KB.
 *
 * Whenever that could differ from the full parse (a `<<` merge key on the
 * way, an alias to something outside, a path that leaves the fragment, a
 * fragment that does not parse alone), it asks `locateInFullParse`, which
 * parses everything once.
 */
export function buildSpanLocator(text: string, file: string, fast: FastYaml, locateInFullParse: () => ManifestLocator): ManifestLocator {
  const fragments = new WeakMap<object, Fragment | null>();
  let lineStarts: number[] | undefined;
  const toLocation = (offset: number): SourceLocation => {
    lineStarts ??= findLineStarts(text);
    return { file, ...findLineColumn(text, lineStarts, offset) };
  };
  const fragmentOf = (holder: object): Fragment | undefined => {
    let fragment = fragments.get(holder);
    if (fragment === undefined) {
      fragment = parseFragment(text, fast.spans.get(holder)?.start ?? 0, fast.spans.get(holder)?.end ?? 0);
      fragments.set(holder, fragment);
    }
    return fragment ?? undefined;
  };
  return (keyPath, target = 'auto') => {
    const segments = typeof keyPath === 'string' ? parseKeyPath(keyPath) : keyPath;
    if (segments === undefined) return undefined;
    const holder = findHolder(fast, segments);
    const fragment = holder && fragmentOf(holder.node);
    if (holder && fragment) {
      const found = locateOffset(fragment.document, segments.slice(holder.depth), target);
      if (found.complete && found.offset !== undefined) return toLocation(fragment.base + found.offset);
    }
    return locateInFullParse()(segments, target);
  };
}

/**
 * The innermost map or list on the path (never the last segment's own value:
 * its key must be in the fragment) that lies in its parent's text, reached
 * only through maps without merge keys.
 */
function findHolder(fast: FastYaml, segments: readonly KeySegment[]): { node: object; depth: number } | undefined {
  let current: unknown = fast.data;
  let holder: { node: object; depth: number } | undefined;
  for (let index = 0; index < segments.length - 1; index += 1) {
    if (current === null || typeof current !== 'object') break;
    const segment = segments[index] as KeySegment;
    const child = readChild(current, segment);
    if (child === null || typeof child !== 'object') break;
    const parentSpan = fast.spans.get(current);
    const childSpan = fast.spans.get(child);
    if (!parentSpan || !childSpan || parentSpan.merges || childSpan.start < parentSpan.start || childSpan.end > parentSpan.end) break;
    holder = { node: child, depth: index + 1 };
    current = child;
  }
  return holder;
}

function readChild(container: object, segment: KeySegment): unknown {
  if (Array.isArray(container)) return typeof segment === 'number' ? container[segment] : undefined;
  return typeof segment === 'string' && Object.hasOwn(container, segment) ? (container as Record<string, unknown>)[segment] : undefined;
}

/**
 * The node's text at its own columns: the part of its first line before it
 * becomes spaces, so indentation (and so every offset) stays as in the file.
 */
function parseFragment(text: string, start: number, end: number): Fragment | null {
  const contentStart = skipToContent(text, start, end);
  const lineStart = text.lastIndexOf('\n', contentStart - 1) + 1;
  const fragmentText = ' '.repeat(contentStart - lineStart) + text.slice(contentStart, end);
  try {
    const document = parseYamlPositions(fragmentText);
    return document.errors.length > 0 ? null : { document, base: lineStart };
  } catch {
    return null;
  }
}

/** js-yaml reports where it started reading a node: skip spaces, comments, anchors and tags to its content. */
function skipToContent(text: string, from: number, end: number): number {
  let index = from;
  while (index < end) {
    const char = text[index];
    if (char === ' ' || char === '\t' || char === '\n' || char === '\r') index += 1;
    else if (char === '#') index = indexOrEnd(text.indexOf('\n', index), end);
    else if (char === '&' || char === '!') while (index < end && !/\s/.test(text[index] as string)) index += 1;
    else break;
  }
  return index;
}

function indexOrEnd(index: number, end: number): number {
  return index === -1 || index > end ? end : index;
}
