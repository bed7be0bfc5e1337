import { StackfleetError } from '../errors.js';
import { didYouMean } from '../text/suggest.js';
import { quoteText } from '../text/quote-text.js';

/** What a `${{ ... }}` expression points at. */
export type TemplateReference =
  /** `${{ vars.NAME }}`, optionally into nested maps: `${{ vars.NAME.key }}`. */
  | { root: 'vars'; name: string; path: string[] }
  /** `${{ env.NAME }}`: the orchestrator's environment. */
  | { root: 'env'; name: string }
  /** `${{ stacks.NAME.outputs.KEY }}`, optionally into nested values. */
  | { root: 'stacks'; stack: string; output: string; path: string[] }
  /** `${{ stack.name }}`; `field` is kept as written so rules can report typos. */
  | { root: 'stack'; field: string };

export type TemplatePart =
  | { kind: 'text'; text: string }
  | {
      kind: 'reference';
      reference: TemplateReference;
      /** The expression as written, e.g. `${{ vars.region }}`. */
      source: string;
      /** Index of the `${{` in the template text. */
      offset: number;
    };

const OPEN = '${{';
const ESCAPED_OPEN = '$${{';
const CLOSE = '}}';
const SEGMENT = /^[A-Za-z0-9_-]+$/;
const ROOTS = ['vars', 'env', 'stacks', 'stack'];
const SYNTAX_HINT =
  'write "${{ vars.NAME }}", "${{ env.NAME }}", "${{ stacks.NAME.outputs.KEY }}" or "${{ stack.name }}"';

/**
 * Far more than any real value needs; parsing hundreds of thousands would take
 * seconds and a hundred megabytes. Validation rejects a value with more.
 */
export const EXPRESSIONS_PER_VALUE = 1000;

/** Occurrences of `${{`, counted without parsing (escapes included: an upper bound). */
export function countExpressions(text: string): number {
  let count = 0;
  for (let index = text.indexOf(OPEN); index !== -1; index = text.indexOf(OPEN, index + OPEN.length)) count += 1;
  return count;
}

/**
 * Splits a string into literal text and `${{ ... }}` references.
 * `$${{` is an escape for a literal `${{`.
 *
 * @throws StackfleetError `E_INTERPOLATION` on an unclosed or malformed expression.
 */
export function parseTemplate(text: string): TemplatePart[] {
  let parts = PARSED.get(text);
  if (parts === undefined) {
    parts = Object.freeze(splitTemplate(text)) as TemplatePart[];
    if (PARSED.size >= MAX_PARSED) PARSED.clear();
    PARSED.set(text, parts);
  }
  return parts;
}

// The same template text is rendered for every stack a context attaches to,
// on both sides of an `affected` comparison (20,000 parses of two strings on
// 5,000 stacks): each text is parsed once. The parts are frozen, since every
// caller now shares them. Bounded: past this many texts it starts over.
const PARSED = new Map<string, TemplatePart[]>();
const MAX_PARSED = 10_000;

function splitTemplate(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let literal = '';
  let index = 0;
  while (index < text.length) {
    if (text.startsWith(ESCAPED_OPEN, index)) {
      literal += OPEN;
      index += ESCAPED_OPEN.length;
      continue;
    }
    if (!text.startsWith(OPEN, index)) {
      literal += text[index];
      index += 1;
      continue;
    }
    const close = text.indexOf(CLOSE, index + OPEN.length);
    if (close === -1) {
      throw new StackfleetError('E_INTERPOLATION', `unclosed "${OPEN}" in ${quoteText(text)}`, {
        hint: `close the expression with "${CLOSE}", or write "${ESCAPED_OPEN}" for a literal "${OPEN}"`,
      });
    }
    if (literal !== '') parts.push({ kind: 'text', text: literal });
    literal = '';
    const source = text.slice(index, close + CLOSE.length);
    const reference = parseExpression(text.slice(index + OPEN.length, close).trim(), source);
    parts.push({ kind: 'reference', reference, source, offset: index });
    index = close + CLOSE.length;
  }
  if (literal !== '') parts.push({ kind: 'text', text: literal });
  return parts;
}

/** True when the text contains at least one `${{ ... }}` (escapes excluded). */
export function hasTemplate(text: string): boolean {
  return text.replaceAll(ESCAPED_OPEN, '').includes(OPEN);
}

function parseExpression(expression: string, source: string): TemplateReference {
  if (expression === '') {
    throw new StackfleetError('E_INTERPOLATION', `empty expression ${quoteText(source)}`, { hint: SYNTAX_HINT });
  }
  const segments = expression.split('.');
  if (!segments.every((segment) => SEGMENT.test(segment))) {
    throw invalidExpression(source);
  }
  const [root, first, second, third, ...rest] = segments as [string, ...string[]];
  switch (root) {
    case 'vars':
      if (first === undefined) throw invalidExpression(source, 'write "${{ vars.NAME }}"');
      return { root, name: first, path: [second, third, ...rest].filter(isDefined) };
    case 'env':
      if (first === undefined || second !== undefined) throw invalidExpression(source, 'write "${{ env.NAME }}"');
      return { root, name: first };
    case 'stacks':
      if (first === undefined || second !== 'outputs' || third === undefined) {
        throw invalidExpression(source, 'write "${{ stacks.NAME.outputs.KEY }}"');
      }
      return { root, stack: first, output: third, path: rest };
    case 'stack':
      if (first === undefined || second !== undefined) throw invalidExpression(source, 'write "${{ stack.name }}"');
      return { root, field: first };
    default:
      throw new StackfleetError(
        'E_INTERPOLATION',
        `unknown expression root ${quoteText(root)} in ${quoteText(source)}${didYouMean(root, ROOTS)}`,
        { hint: SYNTAX_HINT },
      );
  }
}

function invalidExpression(source: string, hint = SYNTAX_HINT): StackfleetError {
  return new StackfleetError('E_INTERPOLATION', `invalid expression ${quoteText(source)}`, { hint });
}

function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined;
}
