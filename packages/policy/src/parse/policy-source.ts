import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair, type Scalar } from 'yaml';
import { findLineColumn, type Problem, type SourceLocation } from '@stackfleet/core';
import { mapScalarOffset } from './map-scalar-offset.js';

/** A policy file's YAML with what is needed to point at any node of it. */
export interface PolicySource {
  text: string;
  file: string;
  document: Document;
  lineCounter: LineCounter;
}

export function readPolicyYaml(text: string, file: string): { source: PolicySource; problems: Problem[] } {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const source = { text, file, document, lineCounter };
  const problems = document.errors.map((error): Problem => ({
    code: 'E_POLICY_YAML',
    message: `invalid YAML: ${(error.message.split('\n')[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, '')}`,
    hint: 'fix the YAML syntax here (indentation, quoting, a missing ":")',
    location: locateOffset(source, error.pos[0]),
  }));
  return { source, problems };
}

/** Columns count characters, as the manifest's problems do (`findLineColumn`). */
export function locateOffset(source: PolicySource, offset: number): SourceLocation {
  return { file: source.file, ...findLineColumn(source.text, source.lineCounter.lineStarts, offset) };
}

export function locateNode(source: PolicySource, node: Node | null | undefined): SourceLocation {
  return locateOffset(source, node?.range?.[0] ?? 0);
}

/** Where character `offset` of a scalar's value is in the file. */
export function locateInScalar(source: PolicySource, node: Scalar, offset: number): SourceLocation {
  return locateOffset(source, mapScalarOffset(source.text, node, offset));
}

/** Problems in file order (a file's problems are collected by topic, read top to bottom). */
export function sortByLocation(problems: Problem[]): Problem[] {
  return [...problems].sort(
    (left, right) => (left.location?.line ?? 0) - (right.location?.line ?? 0) || (left.location?.column ?? 0) - (right.location?.column ?? 0),
  );
}

export function keyOf(pair: Pair): string {
  return isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
}

export function mapPairs(node: unknown): Pair[] {
  return isMap(node) ? node.items : [];
}

export { isMap, isScalar, isSeq };
