import { compileExpression } from './compile-expression.js';

/** A read of `params.NAME` or `variables.NAME` (or `["NAME"]`) that the policy does not define. */
export interface UnknownReference {
  root: 'params' | 'variables';
  name: string;
  /** Offset of the name in the expression's text. */
  offset: number;
}

/** What a policy defines: its params' keys, and the variables an expression may read (those before it). */
export interface KnownNames {
  params: ReadonlySet<string>;
  variables: ReadonlySet<string>;
}

/** The node shape of a cel-js 8 AST: `op`, `args` (nodes, names, nested lists) and `pos`. */
interface AstNode {
  op: string;
  args: unknown;
  pos: number;
}

const ROOTS = new Set(['params', 'variables']);
/** Macros whose first argument names a loop variable, which hides a root of the same name inside them. */
const MACROS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);

/**
 * Every read of an undefined param or variable in an expression that
 * `checkExpression` accepted. CEL itself only finds them at evaluation
 * ("No such key"), which denies every stack: `validate` reports them with a
 * position instead. A read inside `has(...)` is a presence test, and never
 * reported.
 */
export function findUnknownReferences(text: string, known: KnownNames): UnknownReference[] {
  const found: UnknownReference[] = [];
  visit((compileExpression(text) as unknown as { ast: unknown }).ast, new Set(), known, found);
  return found;
}

function visit(value: unknown, hidden: ReadonlySet<string>, known: KnownNames, found: UnknownReference[]): void {
  if (Array.isArray(value)) {
    for (const item of value) visit(item, hidden, known, found);
    return;
  }
  if (!isNode(value)) return;
  const args = value.args;
  if (value.op === 'call' && Array.isArray(args) && args[0] === 'has') return;
  if (value.op === 'rcall' && Array.isArray(args) && MACROS.has(String(args[0])) && Array.isArray(args[2])) {
    const [loop, ...body] = args[2] as unknown[];
    visit(args[1], hidden, known, found);
    const name = isNode(loop) && loop.op === 'id' ? String(loop.args) : undefined;
    visit(body, name === undefined ? hidden : new Set([...hidden, name]), known, found);
    return;
  }
  const read = readRootField(value, hidden);
  if (read !== undefined && !known[read.root].has(read.name)) found.push(read);
  visit(args, hidden, known, found);
}

/** `params.x` (field `x` after the dot) or `params["x"]` (the string after the bracket). */
function readRootField(node: AstNode, hidden: ReadonlySet<string>): UnknownReference | undefined {
  if ((node.op !== '.' && node.op !== '[]') || !Array.isArray(node.args)) return undefined;
  const [target, field] = node.args as unknown[];
  if (!isNode(target) || target.op !== 'id' || !ROOTS.has(String(target.args)) || hidden.has(String(target.args))) return undefined;
  const root = String(target.args) as UnknownReference['root'];
  // A select's `pos` is where its field's name starts.
  if (node.op === '.' && typeof field === 'string') return { root, name: field, offset: node.pos };
  if (node.op === '[]' && isNode(field) && field.op === 'value' && typeof field.args === 'string') return { root, name: field.args, offset: field.pos };
  return undefined;
}

function isNode(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null && typeof (value as AstNode).op === 'string' && typeof (value as AstNode).pos === 'number';
}
