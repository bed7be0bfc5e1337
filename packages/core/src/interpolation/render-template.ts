import { StackfleetError } from '../errors.js';
import { didYouMean } from '../text/suggest.js';
import { parseTemplate, type TemplatePart, type TemplateReference } from './parse-template.js';
import { quoteText } from '../text/quote-text.js';

/** What `${{ ... }}` expressions resolve against when a stack is prepared for a run. */
export interface TemplateScope {
  /** The stack's merged variables (variables < contexts < stack). */
  vars: Record<string, unknown>;
  /** The orchestrator's environment. */
  env: Record<string, string | undefined>;
  /** An upstream stack's outputs (plain values), or undefined when it has none yet. */
  outputs: (stack: string) => Record<string, unknown> | undefined;
  /** The name of the stack being rendered, for `${{ stack.name }}`. */
  stackName: string;
  /**
   * Leave `${{ env.X }}` and `${{ stacks.S.outputs.K }}` as written. Used to
   * compare what a stack consumes in two manifest versions, where run-time
   * values are unknown but the same on both sides. @default false
   */
  keepRuntimeReferences?: boolean;
}

/**
 * Replaces every `${{ ... }}` in `text`. Non-string values are JSON-encoded.
 *
 * @throws StackfleetError `E_INTERPOLATION`, `E_UNKNOWN_REFERENCE`,
 *   `E_ENV_MISSING` or `E_OUTPUT_MISSING`.
 */
export function renderTemplate(text: string, scope: TemplateScope): string {
  // Most strings hold no expression (and then no `$${{` escape either): skip the parser.
  if (!text.includes('${{')) return text;
  return parseTemplate(text)
    .map((part) => (part.kind === 'text' ? part.text : stringifyValue(resolveTemplatePart(part, scope))))
    .join('');
}

/**
 * Renders every string inside `value` (maps and lists at any depth). A string
 * that is exactly one expression keeps the referenced value's type, so
 * `"${{ stacks.network.outputs.subnet_ids }}"` can yield a list.
 */
export function renderValue(value: unknown, scope: TemplateScope): unknown {
  if (typeof value === 'string') {
    if (!value.includes('${{')) return value;
    const parts = parseTemplate(value);
    const [only] = parts;
    if (parts.length === 1 && only?.kind === 'reference') return resolveTemplatePart(only, scope);
    return renderTemplate(value, scope);
  }
  if (Array.isArray(value)) return value.map((item) => renderValue(item, scope));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, child]) => [key, renderValue(child, scope)]),
    );
  }
  return value;
}

/** Strings as they are, everything else as JSON. */
export function stringifyValue(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? 'null');
}

/** The value one `${{ ... }}` part stands for in `scope`. */
export function resolveTemplatePart(part: Extract<TemplatePart, { kind: 'reference' }>, scope: TemplateScope): unknown {
  return resolveReference(part.reference, part.source, scope);
}

function resolveReference(reference: TemplateReference, source: string, scope: TemplateScope): unknown {
  if (scope.keepRuntimeReferences && (reference.root === 'env' || reference.root === 'stacks')) return source;
  switch (reference.root) {
    case 'vars': {
      if (!Object.hasOwn(scope.vars, reference.name)) {
        throw new StackfleetError(
          'E_UNKNOWN_REFERENCE',
          `unknown variable "${reference.name}" in ${quoteText(source)}${didYouMean(reference.name, Object.keys(scope.vars))}`,
          { hint: `define "${reference.name}" under variables, a context's vars or the stack's vars` },
        );
      }
      return readPath(scope.vars[reference.name], reference.path, source);
    }
    case 'env': {
      const value = scope.env[reference.name];
      if (value === undefined) {
        throw new StackfleetError('E_ENV_MISSING', `environment variable "${reference.name}" is not set (needed by ${quoteText(source)})`, {
          hint: `export ${reference.name} before running stackfleet`,
        });
      }
      return value;
    }
    case 'stacks':
      return readPath(readOutput(reference.stack, reference.output, source, scope), reference.path, source);
    case 'stack':
      if (reference.field === 'name') return scope.stackName;
      throw new StackfleetError(
        'E_UNKNOWN_REFERENCE',
        `unknown field "stack.${reference.field}" in ${quoteText(source)}${didYouMean(reference.field, ['name'])}`,
        { hint: 'only "${{ stack.name }}" is available' },
      );
  }
}

function readOutput(stack: string, output: string, source: string, scope: TemplateScope): unknown {
  const outputs = scope.outputs(stack);
  if (outputs === undefined) {
    // The hint is in the message too: a stack's failure reason shows only the message.
    throw new StackfleetError('E_OUTPUT_MISSING', `stack "${stack}" has no outputs yet (needed by ${quoteText(source)}): apply it first, or give plans a mock`, {
      hint: `apply "${stack}" first, or add a mock for plans: dependsOn: [{ stack: ${stack}, mock: { ${output}: ... } }]`,
    });
  }
  if (!Object.hasOwn(outputs, output)) {
    throw new StackfleetError(
      'E_OUTPUT_MISSING',
      `stack "${stack}" has no output "${output}" (needed by ${quoteText(source)})${didYouMean(output, Object.keys(outputs))}`,
      { hint: `declare output "${output}" in "${stack}" and apply it, or add a mock for plans under dependsOn[].mock` },
    );
  }
  return outputs[output];
}

function readPath(value: unknown, path: readonly string[], source: string): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) {
      throw new StackfleetError('E_UNKNOWN_REFERENCE', `${quoteText(source)} has no key "${key}"`, {
        hint: 'check the nested key names of the referenced value',
      });
    }
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
