import { Composer, CST, LineCounter, Parser, YAMLParseError, type Document } from 'yaml';
import { buildLocator, type ManifestLocator } from './locate.js';

// Longer double-quoted values are not decoded: only where they are matters here.
const DECODED_VALUE_LIMIT = 4096;

/**
 * Parses YAML like `parseDocument` (first document; a second one is a
 * MULTIPLE_DOCS error), for the positions of its nodes only. yaml decodes a
 * double-quoted scalar one character at a time (a string concatenation per
 * character, about 35 bytes of heap each): a 4 MB value took 170 MB to
 * locate a problem beside it. A double-quoted value longer than
 * `DECODED_VALUE_LIMIT` is composed as a single-quoted one of the same length
 * (`'xxx…'`, decoded in a few whole-string steps): every node's range and
 * every key stay as written, but such a value's text and its escape errors
 * are not there.
 */
export function parseYamlPositions(text: string, lineCounter?: LineCounter): Document {
  const composer = new Composer({ uniqueKeys: false, prettyErrors: false, merge: true });
  let document: Document | undefined;
  for (const composed of composer.compose(skipLongValues(new Parser(lineCounter?.addNewLine).parse(text)), true, text.length)) {
    if (document === undefined) {
      document = composed;
      continue;
    }
    document.errors.push(new YAMLParseError([composed.range[0], composed.range[1]], 'MULTIPLE_DOCS', 'Source contains multiple documents'));
    break;
  }
  // compose(…, true) always ends with a document, if an empty one.
  return document as Document;
}

/**
 * The locator of the whole file from a positions-only parse: for a manifest
 * whose data came from elsewhere (the fast parser). Undefined locations when
 * yaml's recursive parser cannot take the file's nesting.
 */
export function buildPositionsLocator(text: string, file: string): ManifestLocator {
  const lineCounter = new LineCounter();
  try {
    return buildLocator(parseYamlPositions(text, lineCounter), text, lineCounter, file);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return () => undefined;
  }
}

function* skipLongValues(tokens: Iterable<CST.Token>): Generator<CST.Token> {
  for (const token of tokens) {
    if (token.type === 'document') {
      CST.visit(token, (item) => {
        const value = item.value;
        if (value?.type !== 'double-quoted-scalar' || value.source.length <= DECODED_VALUE_LIMIT) return;
        // The same length: yaml checks a key's distance from the end of the value before it.
        Object.assign(value, { type: 'single-quoted-scalar', source: `'${'x'.repeat(value.source.length - 2)}'` });
      });
    }
    yield token;
  }
}
