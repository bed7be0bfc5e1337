import { getCelEnvironment, CEL_LIMITS } from './create-cel-environment.js';

export type CompiledExpression = (context: Record<string, unknown>) => unknown;

/** What is wrong with an expression, and where (an offset into its text). */
export interface ExpressionProblem {
  message: string;
  offset: number;
}

/** What an expression must produce; `dyn` values are checked at evaluation. */
export type ExpectedType = 'bool' | 'string' | 'any';

interface CelErrorLike {
  summary?: string;
  message: string;
  range?: { start: number; end: number };
}

const compiled = new Map<string, CompiledExpression>();

/** Parses once per distinct text; throws the cel-js error for a bad expression. */
export function compileExpression(text: string): CompiledExpression {
  let expression = compiled.get(text);
  if (expression === undefined) {
    const parsed = getCelEnvironment().parse(text);
    // Checking once stores the types in the AST; unchecked, cel-js would type-check on every evaluation.
    parsed.check();
    expression = parsed;
    compiled.set(text, expression);
  }
  return expression;
}

/**
 * Syntax, limits and types at parse time, so `validate` catches them with a
 * position instead of a deny at run time.
 */
export function checkExpression(text: string, expected: ExpectedType): ExpressionProblem | undefined {
  if (text.length > CEL_LIMITS.maxLength) {
    return { message: `expression is ${text.length} characters long, more than the limit of ${CEL_LIMITS.maxLength}`, offset: 0 };
  }
  let parsed: ReturnType<typeof getCelEnvironment>['parse'] extends (...args: never[]) => infer R ? R : never;
  try {
    parsed = getCelEnvironment().parse(text);
  } catch (error) {
    return describeCelError(error, text);
  }
  const checked = parsed.check();
  if (!checked.valid) return describeCelError(checked.error);
  const type = String(checked.type);
  if (expected !== 'any' && type !== expected && type !== 'dyn') {
    return { message: `expected an expression of type ${expected}, this one is ${type}`, offset: 0 };
  }
  // Parsed and checked as `compileExpression` would: evaluating it later does not parse it again.
  if (!compiled.has(text)) compiled.set(text, parsed);
  return undefined;
}

/** The first line of a cel-js error (its message adds a source excerpt) and its offset. */
export function describeCelError(error: unknown, text?: string): ExpressionProblem {
  const celError = error as CelErrorLike;
  const message = (celError.summary ?? celError.message ?? String(error)).split('\n')[0] ?? 'invalid expression';
  const offset = celError.range?.start ?? 0;
  return { message: nameUnexpectedText(message, text, offset), offset };
}

/**
 * cel-js 8 reports a word where an operator belongs (`hello world`) as
 * "Unexpected character" naming the word's last character (`'d'`) while its
 * range starts at the word: name what is there instead (`"world"`).
 */
function nameUnexpectedText(message: string, text: string | undefined, offset: number): string {
  if (text === undefined || !message.startsWith('Unexpected character:')) return message;
  const found = /^(?:\w+|\S)/u.exec(text.slice(offset))?.[0];
  return found === undefined ? message : `unexpected ${JSON.stringify(found)}`;
}
