import { describe, expect, it } from 'vitest';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { parseYamlPositions } from './yaml-positions.js';

const long = 'v'.repeat(5000);
const text = `first: "${long}"\nshort: "a\\tb"\nlist:\n  - "${long}"\n  - { k: "${long}", after: 1 }\nlast: 2\n`;

/** Every scalar's start and value, keys and values, in document order. */
function scalars(document: Document): [number | undefined, unknown][] {
  const found: [number | undefined, unknown][] = [];
  const walk = (node: unknown): void => {
    if (isScalar(node)) found.push([node.range?.[0], node.value]);
    else if (isMap(node)) for (const pair of node.items) [pair.key, pair.value].forEach(walk);
    else if (node && typeof node === 'object' && 'items' in node) (node.items as unknown[]).forEach(walk);
  };
  walk(document.contents);
  return found;
}

describe('parseYamlPositions', () => {
  it('composes a long double-quoted value as filler where it is, and everything else as yaml does', () => {
    const positions = parseYamlPositions(text);
    const full = parseDocument(text, { uniqueKeys: false, prettyErrors: false, merge: true });
    expect(positions.errors).toEqual([]);
    const expected = scalars(full).map(([start, value]) => [start, value === long ? 'x'.repeat(5000) : value]);
    expect(scalars(positions)).toEqual(expected);
  });

  it('counts lines through the original text', () => {
    const lineCounter = new LineCounter();
    parseYamlPositions(text, lineCounter);
    expect(lineCounter.linePos(text.indexOf('last:'))).toEqual({ line: 6, col: 1 });
  });

  it('reports a second document as parseDocument does', () => {
    expect(parseYamlPositions('a: 1\n---\nb: 2\n').errors.map((error) => error.code)).toEqual(['MULTIPLE_DOCS']);
  });
});
