import { ValidationError, type Problem } from '../errors.js';
import type { LoadedManifest } from '../model.js';
import { checkManifestSchema } from './check-schema.js';
import { normalizeManifest } from './normalize.js';
import { createSuggester, MANIFEST_RULES } from './rules/index.js';

// Enough for any hand-written file; generated fleets with thousands of typos stay fast.
const SUGGESTION_LIMIT = 50;
import { parseYamlSource } from './yaml-source.js';
import { parseYamlFast } from './fast-yaml.js';
import { isWithinAliasLimits, mayHoldAliases } from './alias-limits.js';
import type { ManifestLocator } from './locate.js';

/**
 * Parses and validates `stacks.yaml`: YAML with positions, then the schema,
 * then normalization, then every rule. Collects all problems before failing.
 *
 * @param text the file's content
 * @param source the path printed in messages, e.g. `stacks.yaml`
 * @throws ValidationError with every problem found
 */
export function parseManifest(text: string, source: string): LoadedManifest {
  return parseValidManifestFast(text, source) ?? parseManifestWithPositions(text, source);
}

/**
 * The common case, a valid manifest, without building the positional node
 * tree: fast YAML to plain data, then the very same schema, normalization and
 * rules. Locations are only needed to report problems, so the first problem
 * (or a YAML the fast parser rejects) sends the file down the positional path,
 * which reports everything with file:line:col. `locate` parses positions on
 * first use.
 */
export function parseValidManifestFast(text: string, source: string): LoadedManifest | undefined {
  const fast = parseYamlFast(text);
  if (fast === undefined || fast.data === undefined || fast.data === null) return undefined;
  // Aliases are shared references here: cheap to hold, ruinous to walk. Over
  // the limits, the positional path says which alias and where.
  if (mayHoldAliases(text) && !isWithinAliasLimits(fast.data)) return undefined;
  const noLocation: ManifestLocator = () => undefined;
  const schema = checkManifestSchema(fast.data, noLocation);
  if (schema.problems.length > 0 || schema.raw === undefined) return undefined;
  const manifest = normalizeManifest(schema.raw, source);
  const context = {
    manifest,
    locate: noLocation,
    suggest: createSuggester(0),
    declared: {
      stacks: new Set(schema.declared.stacks),
      contexts: new Set(schema.declared.contexts),
      repos: new Set(schema.declared.repos),
    },
  };
  for (const rule of MANIFEST_RULES) if (rule(context).length > 0) return undefined;
  let locator: ManifestLocator | undefined;
  return {
    manifest,
    locate: (keyPath) => {
      locator ??= parseYamlSource(text, source).locate;
      return locator(keyPath);
    },
  };
}

export function parseManifestWithPositions(text: string, source: string): LoadedManifest {
  const yaml = parseYamlSource(text, source);
  if (yaml.problems.some((problem) => problem.code === 'E_YAML')) throw new ValidationError(sortProblems(yaml.problems));
  const problems: Problem[] = yaml.problems.slice();
  if (yaml.data === undefined || yaml.data === null) {
    problems.push({
      code: 'E_TYPE',
      message: 'the manifest is empty',
      hint: 'start with "version: 1" and a "stacks:" map (see docs/manifest.md)',
      location: { file: source, line: 1, column: 1 },
    });
    throw new ValidationError(problems);
  }
  const schema = checkManifestSchema(yaml.data, yaml.locate);
  appendAll(problems, schema.problems);
  if (schema.raw === undefined) throw new ValidationError(sortProblems(problems));
  const manifest = normalizeManifest(schema.raw, source);
  const context = {
    manifest,
    locate: yaml.locate,
    suggest: createSuggester(SUGGESTION_LIMIT),
    declared: {
      stacks: new Set(schema.declared.stacks),
      contexts: new Set(schema.declared.contexts),
      repos: new Set(schema.declared.repos),
    },
  };
  for (const rule of MANIFEST_RULES) appendAll(problems, rule(context));
  if (problems.length > 0) throw new ValidationError(sortProblems(problems));
  return { manifest, locate: (keyPath) => yaml.locate(keyPath) };
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
