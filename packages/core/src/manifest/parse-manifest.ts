import { ValidationError, type Problem } from '../errors.js';
import type { LoadedManifest } from '../model.js';
import { checkManifestSchema } from './check-schema.js';
import { normalizeManifest } from './normalize.js';
import { parseValidManifest, type ValidManifest } from './parse-valid-manifest.js';
import { createSuggester, MANIFEST_RULES } from './rules/index.js';

// Enough for any hand-written file; generated fleets with thousands of typos stay fast.
const SUGGESTION_LIMIT = 50;
import { parseYamlSource } from './yaml-source.js';
import { parseYamlFast } from './fast-yaml.js';
import { buildSpanLocator } from './span-locator.js';
import { buildPositionsLocator } from './yaml-positions.js';
import { isWithinAliasLimits, mayHoldAliases } from './alias-limits.js';
import type { ManifestLocator } from './locate.js';

/**
 * Parses and validates `stacks.yaml`: YAML, then the schema, then
 * normalization, then every rule. Collects all problems before failing.
 *
 * @param text the file's content
 * @param source the path printed in messages, e.g. `stacks.yaml`
 * @throws ValidationError with every problem found
 */
export function parseManifest(text: string, source: string): LoadedManifest {
  const fast = parseYamlFast(text);
  // Aliases are shared references here: cheap to hold, ruinous to walk. Over
  // the limits (or for YAML the fast parser rejects, or an empty file), the
  // positional path says which alias and where.
  const aliases = mayHoldAliases(text);
  if (fast === undefined || fast.data === undefined || fast.data === null || (aliases && !isWithinAliasLimits(fast.data))) {
    return parseManifestWithPositions(text, source);
  }
  if (aliases || text.includes('<<') || mayHoldExplicitKeys(text)) return parseSharingManifest(text, source, fast.data);
  return checkManifest(fast.data, source, locateFastManifest(text, source), []);
}

// `? key` (explicit, possibly empty or complex keys): the two parsers name such keys differently.
const EXPLICIT_KEY = /(?:^|[\s,[{])\?(?:\s|$)/m;

function mayHoldExplicitKeys(text: string): boolean {
  // includes() first: the pattern is tried at every offset (~50 ms on 1 MB of YAML), a one-character search is not.
  return text.includes('?') && EXPLICIT_KEY.test(text);
}

/**
 * With aliases, merge keys or explicit keys, js-yaml accepts some files the
 * positional parser rejects (it merges a list as a map of its indexes) or
 * reads them differently (a `?` key without text is "null" there, "" in the
 * positional parser's data): such a file is
 * checked on js-yaml's data only to accept it when valid, and any problem
 * sends it through the positional parser, which has the last word.
 */
function parseSharingManifest(text: string, source: string, data: unknown): LoadedManifest {
  let loaded: LoadedManifest;
  try {
    loaded = checkManifest(data, source, () => undefined, []);
  } catch (error) {
    if (error instanceof ValidationError) return parseManifestWithPositions(text, source);
    throw error;
  }
  let locator: ManifestLocator | undefined;
  return { manifest: loaded.manifest, locate: (keyPath) => (locator ??= buildPositionsLocator(text, source))(keyPath) };
}

/**
 * The common case, without building the positional node tree of the whole
 * file: fast YAML to plain data (which also rejects duplicate keys), then
 * the schema, normalization and rules, once. Problems are located from the
 * few lines around each (`buildSpanLocator`), and a full positional parse
 * happens at most once, only when that cannot tell. The loaded manifest's
 * `locate` works the same way.
 *
 * Where each map and list came from is recorded by a second fast parse on the
 * first location asked for, not during the first one: a valid manifest never
 * asks, and recording costs a call per node (~10 % of `list` on 10,000 stacks).
 */
function locateFastManifest(text: string, source: string): ManifestLocator {
  let full: ManifestLocator | undefined;
  const locateInFullParse = (): ManifestLocator => (full ??= buildPositionsLocator(text, source));
  let fromSpans: ManifestLocator | undefined;
  return (keyPath, target) => {
    if (fromSpans === undefined) {
      const fast = parseYamlFast(text, true);
      fromSpans = fast === undefined ? locateInFullParse() : buildSpanLocator(text, source, fast, locateInFullParse);
    }
    return fromSpans(keyPath, target);
  };
}

export function parseManifestWithPositions(text: string, source: string): LoadedManifest {
  const yaml = parseYamlSource(text, source);
  if (yaml.problems.some((problem) => problem.code === 'E_YAML')) throw new ValidationError(sortProblems(yaml.problems));
  if (yaml.data === undefined || yaml.data === null) {
    const problems: Problem[] = yaml.problems.slice();
    problems.push({
      code: 'E_TYPE',
      message: 'the manifest is empty',
      hint: 'start with "version: 1" and a "stacks:" map (see docs/manifest.md)',
      location: { file: source, line: 1, column: 1 },
    });
    throw new ValidationError(problems);
  }
  return checkManifest(yaml.data, source, yaml.locate, yaml.problems.slice());
}

/** Schema, normalization and every rule on parsed data; throws with `problems` and every one found. */
function checkManifest(data: unknown, source: string, locate: ManifestLocator, problems: Problem[]): LoadedManifest {
  const { manifest, declared } = parseValidManifest(data, source) ?? checkSchemaAndNormalize(data, source, locate, problems);
  const context = {
    manifest,
    locate,
    suggest: createSuggester(SUGGESTION_LIMIT),
    declared: {
      stacks: new Set(declared.stacks),
      contexts: new Set(declared.contexts),
      repos: new Set(declared.repos),
    },
    policyStacksAsString: findPolicyStacksAsString(data),
  };
  for (const rule of MANIFEST_RULES) appendAll(problems, rule(context));
  if (problems.length > 0) throw new ValidationError(sortProblems(problems));
  return { manifest, locate: (keyPath) => locate(keyPath) };
}

/** Which `policies:` entries of the parsed file give `stacks` as one string (see RuleContext). */
function findPolicyStacksAsString(data: unknown): Set<number> {
  const policies = typeof data === 'object' && data !== null ? (data as { policies?: unknown }).policies : undefined;
  const found = new Set<number>();
  if (!Array.isArray(policies)) return found;
  policies.forEach((entry: unknown, index) => {
    if (typeof entry === 'object' && entry !== null && typeof (entry as { stacks?: unknown }).stacks === 'string') found.add(index);
  });
  return found;
}

/** The full schema check, every problem into `problems`; throws when nothing valid is left to check further. */
function checkSchemaAndNormalize(data: unknown, source: string, locate: ManifestLocator, problems: Problem[]): ValidManifest {
  const schema = checkManifestSchema(data, locate);
  appendAll(problems, schema.problems);
  if (schema.raw === undefined) throw new ValidationError(sortProblems(problems));
  return { manifest: normalizeManifest(schema.raw, source), declared: schema.declared };
}

/** File order, then key path, then code: stable output whatever order rules ran in. */
function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort(
    (left, right) =>
      (left.location?.line ?? 0) - (right.location?.line ?? 0) ||
      (left.location?.column ?? 0) - (right.location?.column ?? 0) ||
      compareText(left.keyPath ?? '', right.keyPath ?? '') ||
      compareText(left.code, right.code),
  );
}

// Not localeCompare: the order must not depend on the machine's locale.
function compareText(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

// Not push(...more): a spread of 200,000 problems overflows the call stack.
function appendAll<T>(target: T[], more: readonly T[]): void {
  for (const item of more) target.push(item);
}
