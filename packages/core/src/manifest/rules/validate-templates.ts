import { isStackfleetError, type ErrorCode, type Problem } from '../../errors.js';
import { collectSpecTemplateStrings, collectTemplateStrings, type TemplateString } from '../../interpolation/collect-references.js';
import { countExpressions, EXPRESSIONS_PER_VALUE, parseTemplate, type TemplatePart } from '../../interpolation/parse-template.js';
import type { Manifest, StackSpec } from '../../model.js';
import { createProblem, type ManifestRule, type RuleContext, listStacks } from './rule-context.js';
import { quoteText } from '../../text/quote-text.js';

type Reference = Extract<TemplatePart, { kind: 'reference' }>;

/**
 * Every `${{ }}` in variables, env, vars, files and hooks parses, and points at
 * a stack, variable or field that exists.
 */
export const validateTemplates: ManifestRule = (context) => {
  const { manifest } = context;
  // Built on first use: most stacks hold no template at all.
  let everyVar: Set<string> | undefined;
  const allVars = () => (everyVar ??= collectAllVarNames(manifest));
  const problems: Problem[] = [];
  const check = (strings: TemplateString[], owner: StackSpec | undefined, vars: ReadonlySet<string>) => {
    // A loop, not push(...): one value may hold 200,000 expressions.
    for (const string of strings) for (const problem of checkString(context, string, owner, vars)) problems.push(problem);
  };
  const shared = collectTemplateStrings(manifest.variables, ['variables']);
  if (shared.length > 0) check(shared, undefined, allVars());
  // A context's strings are rendered for each stack it applies to, so any variable defined anywhere may be meant.
  for (const spec of Object.values(manifest.contexts)) {
    const strings = collectSpecTemplateStrings('contexts', spec);
    if (strings.length > 0) check(strings, undefined, allVars());
  }
  const stacks = listStacks(manifest);
  for (let index = 0; index < stacks.length; index += 1) {
    const stack = stacks[index]!;
    const strings = collectSpecTemplateStrings('stacks', stack);
    // The variables a stack sees cost a pass over every context: only for stacks with templates.
    if (strings.length > 0) check(strings, stack, collectStackVarNames(manifest, stack));
  }
  return problems;
};

function checkString(
  context: RuleContext,
  { segments, text }: TemplateString,
  owner: StackSpec | undefined,
  vars: ReadonlySet<string>,
): Problem[] {
  const expressions = countExpressions(text);
  if (expressions > EXPRESSIONS_PER_VALUE) {
    return [
      createProblem(context, {
        code: 'E_INTERPOLATION',
        path: segments,
        message: `too many expressions in one value (${expressions}, at most ${EXPRESSIONS_PER_VALUE})`,
        hint: 'split the value, or build it in the stack from fewer variables',
      }),
    ];
  }
  let parts: TemplatePart[];
  try {
    parts = parseTemplate(text);
  } catch (error) {
    if (!isStackfleetError(error)) throw error;
    return [createProblem(context, { code: error.code, path: segments, message: error.message, hint: error.hint ?? '' })];
  }
  const problems: Problem[] = [];
  let hidden = 0;
  // Only the first few are built (locating and suggesting cost time for each).
  const report = (code: ErrorCode, message: string, hint: string) => {
    if (problems.length < PROBLEMS_PER_VALUE) problems.push(createProblem(context, { code, path: segments, message, hint }));
    else hidden += 1;
  };
  for (const part of parts) {
    if (part.kind !== 'reference') continue;
    checkReference(context, part, owner, vars, report);
  }
  if (hidden > 0) {
    const last = problems[problems.length - 1]!;
    last.hint = `${last.hint ?? ''}\n(and ${hidden} more problems in this value)`;
  }
  return problems;
}

function checkReference(
  context: RuleContext,
  { reference, source }: Reference,
  owner: StackSpec | undefined,
  vars: ReadonlySet<string>,
  report: (code: ErrorCode, message: string, hint: string) => void,
): void {
  switch (reference.root) {
    case 'stacks':
      if (owner === undefined) {
        // Edges come from the stack that holds the reference; a shared value would
        // need an edge to every stack it reaches (and a cycle for the upstream itself).
        report(
          'E_INTERPOLATION',
          `stack outputs can only be read from a stack's own env, vars, files or hooks, not here: ${quoteText(source)}`,
          'move the value into the stacks that need it, or pass it with dependsOn[].outputs',
        );
      } else if (reference.stack === owner.name) {
        report('E_SELF_DEPENDENCY', `stack "${owner.name}" reads its own outputs in ${quoteText(source)}`, 'a stack cannot depend on itself; pass the value as a variable');
      } else if (!context.declared.stacks.has(reference.stack)) {
        report(
          'E_UNKNOWN_STACK',
          `unknown stack "${reference.stack}" in ${quoteText(source)}${context.suggest(reference.stack, context.declared.stacks)}`,
          'use the name of a stack declared under "stacks"',
        );
      }
      return;
    case 'vars':
      if (!vars.has(reference.name)) {
        report(
          'E_UNKNOWN_REFERENCE',
          `unknown variable "${reference.name}" in ${quoteText(source)}${context.suggest(reference.name, vars)}`,
          `define "${reference.name}" under variables, in a context that applies to this stack, or in the stack's vars`,
        );
      }
      return;
    case 'stack':
      if (reference.field !== 'name') {
        report('E_UNKNOWN_REFERENCE', `unknown field "stack.${reference.field}" in ${quoteText(source)}${context.suggest(reference.field, ['name'])}`, 'only "${{ stack.name }}" is available');
      }
      return;
    case 'env':
      // The orchestrator's environment is only known at run time.
      return;
  }
}

function collectAllVarNames(manifest: Manifest): Set<string> {
  return new Set([
    ...Object.keys(manifest.variables),
    ...Object.values(manifest.contexts).flatMap((spec) => Object.keys(spec.vars)),
    ...listStacks(manifest).flatMap((spec) => Object.keys(spec.vars)),
  ]);
}

/** Variables a stack can see: shared ones, those of contexts that apply to it, and its own. */
function collectStackVarNames(manifest: Manifest, stack: StackSpec): Set<string> {
  const names = new Set(Object.keys(manifest.variables));
  for (const spec of Object.values(manifest.contexts)) {
    const labels = spec.attachTo?.labels ?? [];
    const attached = labels.includes('*') || labels.some((label) => stack.labels.includes(label));
    if (attached || stack.contexts.includes(spec.name)) {
      for (const name of Object.keys(spec.vars)) names.add(name);
    }
  }
  for (const name of Object.keys(stack.vars)) names.add(name);
  return names;
}

// A value with thousands of broken expressions is one mistake repeated.
const PROBLEMS_PER_VALUE = 10;

