import type { Problem } from '../../errors.js';
import { createProblem, type ManifestRule, type RuleContext, listStacks } from './rule-context.js';
import { quoteText } from '../../text/quote-text.js';
import type { DependencySpec } from '../../model.js';

const STACK_HINT = 'use the name of a stack declared under "stacks"';

/** Every stack named in `dependsOn` and `after`, every context and repo, exists; no stack needs itself. */
export const validateReferences: ManifestRule = (context) => {
  const problems: Problem[] = [];
  const { declared } = context;
  // Plain loops and no per-stack closures or sets: this runs for every stack
  // and edge (30,000 edges on a large fleet), and the common case, a declared
  // stack, builds no key path.
  const stacks = listStacks(context.manifest);
  for (let at = 0; at < stacks.length; at += 1) {
    const stack = stacks[at]!;
    const { dependsOn, after, contexts } = stack;
    const seen = dependsOn.length > SCAN_LIMIT ? new Set<string>() : undefined;
    for (let index = 0; index < dependsOn.length; index += 1) {
      const name = dependsOn[index]!.stack;
      if (name === stack.name || !declared.stacks.has(name)) {
        appendAll(problems, checkStackName(context, stack.name, name, ['stacks', stack.name, 'dependsOn', index, 'stack'], 'dependsOn'));
      }
      if (isListedBefore(dependsOn, index, seen)) {
        problems.push(
          createProblem(context, {
            code: 'E_DUPLICATE',
            path: ['stacks', stack.name, 'dependsOn', index],
            message: `${quoteText(name)} is listed twice in dependsOn`,
            hint: 'list each upstream stack once and merge its outputs',
          }),
        );
      }
    }
    for (let index = 0; index < after.length; index += 1) {
      const name = after[index]!;
      if (name === stack.name || !declared.stacks.has(name)) {
        appendAll(problems, checkStackName(context, stack.name, name, ['stacks', stack.name, 'after', index], 'after'));
      }
    }
    for (let index = 0; index < contexts.length; index += 1) {
      const name = contexts[index]!;
      if (declared.contexts.has(name)) continue;
      problems.push(
        createProblem(context, {
          code: 'E_UNKNOWN_CONTEXT',
          path: ['stacks', stack.name, 'contexts', index],
          message: `unknown context ${quoteText(name)}${context.suggest(name, declared.contexts)}`,
          hint: 'use the name of a context declared under "contexts"',
        }),
      );
    }
    if (stack.repo !== undefined && !declared.repos.has(stack.repo)) {
      problems.push(
        createProblem(context, {
          code: 'E_UNKNOWN_REPO',
          path: ['stacks', stack.name, 'repo'],
          message: `unknown repo ${quoteText(stack.repo)}${context.suggest(stack.repo, declared.repos)}`,
          hint: 'declare it under "repos", or remove "repo" to use the repository of this manifest',
        }),
      );
    }
  }
  return problems;
};

// Past this many upstream stacks, a set: a hand-written list is short, a generated one need not be.
const SCAN_LIMIT = 16;

/** Whether `dependencies[index]` names a stack an earlier entry already named (`seen`: those names, for long lists). */
function isListedBefore(dependencies: readonly DependencySpec[], index: number, seen: Set<string> | undefined): boolean {
  const name = dependencies[index]!.stack;
  if (seen === undefined) {
    for (let earlier = 0; earlier < index; earlier += 1) if (dependencies[earlier]!.stack === name) return true;
    return false;
  }
  if (seen.has(name)) return true;
  seen.add(name);
  return false;
}

function appendAll<T>(target: T[], more: readonly T[]): void {
  for (const item of more) target.push(item);
}

function checkStackName(
  context: RuleContext,
  owner: string,
  name: string,
  path: (string | number)[],
  key: 'dependsOn' | 'after',
): Problem[] {
  if (name === owner) {
    return [
      createProblem(context, {
        code: 'E_SELF_DEPENDENCY',
        path,
        message: `stack "${owner}" depends on itself`,
        hint: `remove "${owner}" from its own ${key}`,
      }),
    ];
  }
  if (context.declared.stacks.has(name)) return [];
  return [
    createProblem(context, {
      code: 'E_UNKNOWN_STACK',
      path,
      message: `unknown stack ${quoteText(name)}${context.suggest(name, context.declared.stacks)}`,
      hint: STACK_HINT,
    }),
  ];
}
