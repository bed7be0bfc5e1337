import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { ValidationError, type Problem } from '../errors.js';
import { findLineColumn } from '../text/find-line-column.js';
import { checkAliases } from './check-aliases.js';
import { formatKeyPath, type KeySegment } from './key-path.js';
import { buildLocator, keyText, type ManifestLocator } from './locate.js';

export interface YamlSource {
  /** The document as plain data (`undefined` for an empty file). */
  data: unknown;
  locate: ManifestLocator;
  /** Syntax errors (E_YAML) and duplicate keys (E_DUPLICATE). */
  problems: Problem[];
}

// Sections whose keys are names, so a duplicate key there is a duplicate name.
const NAMED_SECTIONS: Record<string, string> = { stacks: 'stack', contexts: 'context', repos: 'repo' };

const DEEP_HINT = 'a manifest needs a few levels of nesting, not thousands: flatten this value';

/** Parses YAML keeping positions; syntax errors and duplicate keys become problems. */
export function parseYamlSource(text: string, file: string): YamlSource {
  const lineCounter = new LineCounter();
  // uniqueKeys off: we find duplicates ourselves so that they get a key path.
  // merge on: `<<: *defaults` is the usual way to share settings between stacks.
  let document: Document;
  try {
    document = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false, merge: true });
  } catch (error) {
    // yaml's parser recurses per block level; thousands of them overflow the stack.
    if (!(error instanceof RangeError)) throw error;
    const problem: Problem = { code: 'E_YAML', message: 'invalid YAML: nested too deeply', hint: DEEP_HINT, location: { file, line: 1, column: 1 } };
    return { data: undefined, locate: () => undefined, problems: [problem] };
  }
  const locate = buildLocator(document, text, lineCounter, file);
  const locateOffset = (offset: number) => ({ file, ...findLineColumn(text, lineCounter.lineStarts, offset) });
  const problems: Problem[] = document.errors.map((error) => {
    const location = locateOffset(error.pos[0]);
    if (error.code === 'MULTIPLE_DOCS') {
      return {
        code: 'E_YAML',
        message: 'invalid YAML: the manifest must be a single document',
        hint: 'remove this "---" and what follows, or move it to another file',
        location,
      };
    }
    if (error.message.includes('Maximum call stack size exceeded')) {
      return {
        code: 'E_YAML',
        message: 'invalid YAML: nested too deeply',
        hint: DEEP_HINT,
        location,
      };
    }
    return {
      code: 'E_YAML',
      message: `invalid YAML: ${describeYamlError(error.message)}`,
      hint: 'fix the YAML syntax here (indentation, quoting, a missing ":" or bracket)',
      location,
    };
  });
  if (problems.length > 0) return { data: undefined, locate, problems };
  const aliasProblem = checkAliases(document);
  if (aliasProblem) {
    const location = locateOffset(aliasProblem.node.range?.[0] ?? 0);
    return { data: undefined, locate, problems: [{ code: 'E_YAML', message: `invalid YAML: ${aliasProblem.message}`, hint: aliasProblem.hint, location }] };
  }
  for (const problem of findDuplicateKeys(document, lineCounter, locate)) problems.push(problem);
  return { data: toPlainData(document, file), locate, problems };
}

/**
 * `checkAliases` has bounded the expansion, so yaml's own alias counter (which
 * throws a bare ReferenceError) is off; anything else it throws still becomes
 * a located problem rather than an internal error.
 */
function toPlainData(document: Document, file: string): unknown {
  try {
    return document.toJS({ maxAliasCount: -1 });
  } catch (error) {
    throw new ValidationError([
      {
        code: 'E_YAML',
        message: `invalid YAML: ${describeYamlError((error as Error).message)}`,
        hint: 'fix the anchors, aliases and "<<" merge keys of this file',
        location: { file, line: 1, column: 1 },
      },
    ]);
  }
}

function describeYamlError(message: string): string {
  // yaml may append " at line 3, column 1" and a code frame; we print our own position.
  const firstLine = (message.split('\n')[0] ?? message).slice(0, 200);
  return firstLine.replace(/ at line \d+, column \d+:?$/, '').replace(/\.$/, '');
}

function findDuplicateKeys(document: Document, lineCounter: LineCounter, locate: ManifestLocator): Problem[] {
  const problems: Problem[] = [];
  // Iterative walk: a deeply nested document must not overflow the call stack.
  const pending: { node: unknown; segments: KeySegment[] }[] = [{ node: document.contents, segments: [] }];
  while (pending.length > 0) {
    const { node, segments } = pending.pop()!;
    if (isSeq(node)) {
      node.items.forEach((item, index) => pending.push({ node: item, segments: [...segments, index] }));
      continue;
    }
    if (!isMap(node)) continue;
    const firstSeen = new Map<string, Node>();
    for (const pair of node.items) {
      const key = keyText(pair.key);
      if (key === undefined) continue;
      const keySegments = [...segments, key];
      const first = firstSeen.get(key);
      if (first === undefined) {
        firstSeen.set(key, pair.key as Node);
        pending.push({ node: pair.value, segments: keySegments });
        continue;
      }
      const what = segments.length === 1 ? NAMED_SECTIONS[String(segments[0])] : undefined;
      const firstLine = lineCounter.linePos(first.range?.[0] ?? 0).line;
      problems.push({
        code: 'E_DUPLICATE',
        message: `duplicate ${what ?? 'key'} "${key}" (first defined on line ${firstLine})`,
        hint: what ? `give each ${what} a unique name` : `keep one "${key}" and remove the other`,
        keyPath: formatKeyPath(keySegments),
        // The locator finds the last occurrence, which is the duplicate reported here.
        location: locate(keySegments, 'key'),
      });
    }
  }
  return problems;
}
