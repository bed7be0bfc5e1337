// The superset `readModuleSources` falls back to on bad HCL: every `source = "./..."`.
export const LOCAL_SOURCE_TEXT = /\bsource\s*=\s*"(\.\.?\/[^"]*)"/g;
const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_-]*/y;
const ARRAY_INDEX = /^(0|[1-9][0-9]{0,8})$/;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

type Token =
  | { kind: 'word'; text: string }
  /** `text` is absent when the string is not a plain literal (escapes, templates). */
  | { kind: 'string'; text?: string }
  | { kind: 'equals' }
  | { kind: 'other' };

interface FoundSource {
  name: string;
  source: string;
}

/** Thrown inside the scan when the text is beyond it: the parser decides. */
class NeedsParser extends Error {}

/**
 * The local module sources (`module "x" { source = "./..." }`) of one `.tf`
 * file, in the order the HCL parser lists them, read without the parser; or
 * undefined when the text needs the parser. The WebAssembly parser costs
 * 3–9 ms per small file, and a change to a shared module sends every file
 * that uses it through there (hundreds on a large monorepo).
 *
 * The scan knows blocks, attributes, brackets, comments and quoted strings
 * with templates. It gives up on heredocs, a string over several lines, a
 * module label or `source` that is not one plain quoted string, a repeated
 * `source`, unbalanced brackets, and whenever its answer differs from the
 * text match of `source = "./..."` (a commented-out module, a provisioner's
 * `source`, modules not listed in the parser's order). When the two agree,
 * the answer is the same whatever the parser makes of the file: the same
 * list when it parses, the text match (what `readModuleSources` uses then)
 * when it does not.
 */
export function scanLocalModuleSources(text: string): string[] | undefined {
  if (text.includes('<<')) return undefined;
  let found: FoundSource[];
  try {
    found = scanModuleBlocks(text);
  } catch (error) {
    if (error instanceof NeedsParser) return undefined;
    throw error;
  }
  // The parser's order, and the text match's (file order) when a file does not parse: both must agree.
  const sources = orderLikeParser(found);
  const textual = [...text.matchAll(LOCAL_SOURCE_TEXT)].map((match) => match[1]!);
  const agree = sources.length === textual.length && sources.every((source, index) => source === textual[index]);
  return agree ? sources : undefined;
}

/**
 * The parser gives `{ module: { <name>: [blocks] } }`: names sorted (Go's
 * JSON), then read into a JavaScript object, which puts array-index names
 * first in numeric order; blocks of one name stay in file order.
 */
function orderLikeParser(found: FoundSource[]): string[] {
  const rank = (name: string): [number, string] => (ARRAY_INDEX.test(name) ? [0, name.padStart(10, '0')] : [1, name]);
  return found
    .map((entry, index) => ({ ...entry, index, rank: rank(entry.name) }))
    .sort((a, b) => a.rank[0] - b.rank[0] || (a.rank[1] < b.rank[1] ? -1 : a.rank[1] > b.rank[1] ? 1 : a.index - b.index))
    .map((entry) => entry.source);
}

/** Module blocks with a local literal `source`, in file order. */
function scanModuleBlocks(text: string): FoundSource[] {
  const found: FoundSource[] = [];
  // Open brackets: `module` (a top-level module block's body), `block`, `{` (an object), `[`, `(`.
  const open: string[] = [];
  // The statement being read at each open bracket (an object's attribute continues after it closes).
  const outer: Token[][] = [];
  let tokens: Token[] = [];
  let moduleName = '';
  let sawSource = false;

  const endStatement = (): void => {
    const [first, second, third] = tokens;
    const inModule = open.length === 1 && open[0] === 'module';
    if (inModule && first?.kind === 'word' && first.text === 'source' && second?.kind === 'equals') {
      if (sawSource || tokens.length !== 3 || third?.kind !== 'string' || third.text === undefined) throw new NeedsParser();
      sawSource = true;
      if (third.text.startsWith('./') || third.text.startsWith('../')) found.push({ name: moduleName, source: third.text });
    }
    tokens = [];
  };
  const openBracket = (kind: string): void => {
    open.push(kind);
    outer.push(tokens);
    tokens = [];
  };
  const closeBracket = (kinds: readonly string[]): void => {
    const kind = open.pop();
    if (kind === undefined || !kinds.includes(kind)) throw new NeedsParser();
    const statement = outer.pop()!;
    tokens = kind === 'module' || kind === 'block' ? [] : [...statement, { kind: 'other' }];
  };
  const inBody = (): boolean => open.length === 0 || ['module', 'block', '{'].includes(open[open.length - 1]!);

  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    const next = text[i + 1];
    if (char === '\n') {
      if (inBody()) endStatement();
      i += 1;
    } else if (char === ' ' || char === '\t' || char === '\r') {
      i += 1;
    } else if (char === '#' || (char === '/' && next === '/')) {
      const end = text.indexOf('\n', i);
      i = end === -1 ? text.length : end;
    } else if (char === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end === -1) throw new NeedsParser();
      i = end + 2;
    } else if (char === '"') {
      const [end, literal] = scanQuoted(text, i);
      tokens.push(literal === undefined ? { kind: 'string' } : { kind: 'string', text: literal });
      i = end;
    } else if (char === '{') {
      const isBlock = inBody() && tokens.length > 0 && tokens[0]!.kind === 'word' && !tokens.some((token) => token.kind === 'equals');
      if (isBlock && open.length === 0 && (tokens[0] as { text: string }).text === 'module') {
        const label = tokens[1];
        const name = tokens.length === 2 && (label?.kind === 'word' || label?.kind === 'string') ? label.text : undefined;
        if (name === undefined || !PRINTABLE_ASCII.test(name)) throw new NeedsParser();
        moduleName = name;
        sawSource = false;
        openBracket('module');
      } else {
        openBracket(isBlock ? 'block' : '{');
      }
      i += 1;
    } else if (char === '}') {
      // A one-line block (`module "x" { source = "./x" }`) ends its only attribute here.
      if (inBody()) endStatement();
      closeBracket(['module', 'block', '{']);
      i += 1;
    } else if (char === '[' || char === '(') {
      openBracket(char);
      i += 1;
    } else if (char === ']' || char === ')') {
      closeBracket([char === ']' ? '[' : '(']);
      i += 1;
    } else if (char === '=' && next !== '=' && next !== '>') {
      tokens.push({ kind: 'equals' });
      i += 1;
    } else {
      IDENTIFIER.lastIndex = i;
      const word = IDENTIFIER.exec(text);
      // Anything else (numbers, operators, `==`, `=>`, `!=`) is one opaque token per character.
      tokens.push(word ? { kind: 'word', text: word[0] } : { kind: 'other' });
      i += word ? word[0].length : char === '=' || char === '!' || char === '<' || char === '>' ? (next === '=' || next === '>' ? 2 : 1) : 1;
    }
  }
  if (open.length > 0) throw new NeedsParser();
  endStatement();
  return found;
}

/**
 * A quoted string starting at `start`: the index after it, and its value when
 * it is a plain literal (no escapes, no templates). Templates (`${ }`, `%{ }`)
 * are skipped with what they contain, nested strings included.
 */
function scanQuoted(text: string, start: number): [number, string | undefined] {
  let plain = true;
  let i = start + 1;
  while (i < text.length) {
    const char = text[i]!;
    const next = text[i + 1];
    if (char === '"') return [i + 1, plain ? text.slice(start + 1, i) : undefined];
    if (char === '\n') throw new NeedsParser();
    if (char === '\\') {
      plain = false;
      i += 2;
    } else if ((char === '$' || char === '%') && next === char && text[i + 2] === '{') {
      plain = false; // `$${` and `%%{` are a literal `${` and `%{`
      i += 3;
    } else if ((char === '$' || char === '%') && next === '{') {
      plain = false;
      i = skipTemplate(text, i + 2);
    } else {
      i += 1;
    }
  }
  throw new NeedsParser();
}

/** From just inside `${` to just after its closing `}`. */
function skipTemplate(text: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < text.length) {
    const char = text[i]!;
    if (char === '"') {
      i = scanQuoted(text, i)[0];
      continue;
    }
    if (char === '\n' || char === '#' || (char === '/' && (text[i + 1] === '/' || text[i + 1] === '*'))) throw new NeedsParser();
    if (char === '{') depth += 1;
    if (char === '}') {
      if (depth === 0) return i + 1;
      depth -= 1;
    }
    i += 1;
  }
  throw new NeedsParser();
}
