import type { ErrorCode, Problem } from '../../errors.js';
import type { ContextSpec, Manifest, StackSpec } from '../../model.js';
import { didYouMean } from '../../text/suggest.js';
import { formatKeyPath, type KeySegment } from '../key-path.js';
import type { LocateTarget, ManifestLocator } from '../locate.js';

/** What every rule sees. */
export interface RuleContext {
  manifest: Manifest;
  /**
   * Names declared in the file, including entries the schema rejected, so a
   * reference to a broken stack is not also reported as unknown.
   */
  declared: { stacks: ReadonlySet<string>; contexts: ReadonlySet<string>; repos: ReadonlySet<string> };
  /**
   * Indexes of `policies:` entries whose `stacks` is one glob written as a
   * string (normalized to a one-item list): its problems are at
   * `policies[N].stacks`, as written, not at `policies[N].stacks[0]`.
   */
  policyStacksAsString: ReadonlySet<number>;
  locate: ManifestLocator;
  /** ` (did you mean "network"?)` or ``; see `createSuggester`. */
  suggest: (input: string, candidates: Iterable<string>) => string;
}

/**
 * `didYouMean`, cached, and only for the first `limit` names: each suggestion
 * compares against every candidate, and a generated fleet of 10,000 stacks
 * with every name wrong would otherwise take minutes to report.
 */
export function createSuggester(limit: number): RuleContext['suggest'] {
  // Per candidate collection: the same typo may be a stack in one place and a context in another.
  const caches = new WeakMap<object, Map<string, string>>();
  let computed = 0;
  return (input, candidates) => {
    let cache = caches.get(candidates);
    if (cache === undefined) {
      cache = new Map();
      caches.set(candidates, cache);
    }
    const cached = cache.get(input);
    if (cached !== undefined) return cached;
    if (computed >= limit) return '';
    computed += 1;
    const suggestion = didYouMean(input, candidates);
    cache.set(input, suggestion);
    return suggestion;
  };
}

/** A small check over the normalized manifest that returns every problem it finds. */
export type ManifestRule = (context: RuleContext) => Problem[];

export interface ProblemInput {
  code: ErrorCode;
  path: readonly KeySegment[];
  message: string;
  hint: string;
  /** @default 'auto' */
  target?: LocateTarget;
}

export function createProblem(context: RuleContext, input: ProblemInput): Problem {
  return {
    code: input.code,
    message: input.message,
    hint: input.hint,
    keyPath: formatKeyPath(input.path),
    location: context.locate(input.path, input.target ?? 'auto'),
  };
}

/**
 * Loops over every stack here and in the rules are index loops: before the
 * optimizer has compiled a loop, `for...of` allocates an iterator result per
 * step, ~0.4 MB of garbage per pass over 10,000 stacks (more for an inner
 * `for...of` per stack), and each collection of the young generation then
 * copies the whole live manifest again.
 *
 * Stacks and contexts share env, secrets, files, hooks and drift; rules check
 * both: contexts first, then stacks. A visit per spec, not a list of
 * `{ section, spec }` pairs (three rules built one of 10,000 on a large fleet).
 */
export function forEachSpec(manifest: Manifest, visit: (section: 'stacks' | 'contexts', spec: StackSpec | ContextSpec) => void): void {
  for (const name in manifest.contexts) visit('contexts', manifest.contexts[name]!);
  const stacks = listStacks(manifest);
  for (let index = 0; index < stacks.length; index += 1) visit('stacks', stacks[index]!);
}

const stackLists = new WeakMap<Manifest, readonly StackSpec[]>();

/**
 * Every stack, in manifest order: one list for all the rules. Listing a map
 * of 10,000 keys costs a sort of its entries each time, and ten rules asked.
 * A manifest is read-only (model.ts), so the list stays right.
 */
export function listStacks(manifest: Manifest): readonly StackSpec[] {
  let stacks = stackLists.get(manifest);
  if (stacks === undefined) stackLists.set(manifest, (stacks = Object.values(manifest.stacks)));
  return stacks;
}

/**
 * Hands `listStacks` the list the loader built while filling
 * `manifest.stacks` (listing a map of 10,000 keys sorts its entries). The
 * loader fills the map in the order `Object.keys` gave for the parsed one
 * (array-index names such as "42" first, in numeric order), so the list is
 * in the order `Object.values` would give.
 */
export function rememberStackList(manifest: Manifest, stacks: readonly StackSpec[]): void {
  stackLists.set(manifest, stacks);
}
